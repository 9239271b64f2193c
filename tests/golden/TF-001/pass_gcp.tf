resource "google_storage_bucket" "private" {
  name                        = "acme-private"
  location                    = "EU"
  public_access_prevention    = "enforced"
  uniform_bucket_level_access = true
}

resource "google_storage_bucket_iam_member" "reader" {
  bucket = google_storage_bucket.private.name
  role   = "roles/storage.objectViewer"
  member = "group:data-readers@example.com"
}

resource "google_storage_bucket_iam_binding" "admins" {
  bucket  = google_storage_bucket.private.name
  role    = "roles/storage.admin"
  members = ["group:storage-admins@example.com", "serviceAccount:ci@acme.iam.gserviceaccount.com"]
}
