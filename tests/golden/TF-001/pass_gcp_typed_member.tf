# A member whose type is literal ("serviceAccount:...") cannot be allUsers: judged, not unknown.
resource "google_storage_bucket" "typed" {
  name                        = "typed-member-bucket"
  location                    = "EU"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
}

resource "google_service_account" "reader" {
  account_id = "reader"
}

resource "google_storage_bucket_iam_member" "typed_reader" {
  bucket = google_storage_bucket.typed.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.reader.email}"
}

resource "google_storage_bucket_iam_binding" "typed_readers" {
  bucket  = google_storage_bucket.typed.name
  role    = "roles/storage.objectViewer"
  members = ["serviceAccount:${google_service_account.reader.email}", "group:${var.team}"]
}

variable "team" {}
