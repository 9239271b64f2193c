resource "google_storage_bucket_iam_member" "gcs_public_member" {
  bucket = "acme-gcs-public"
  role   = "roles/storage.objectViewer"
  member = "allUsers" # expect: TF-001
}

resource "google_storage_bucket_iam_binding" "gcs_public_binding" {
  bucket  = "acme-gcs-public"
  role    = "roles/storage.objectViewer"
  members = ["group:readers@example.com", "allAuthenticatedUsers"] # expect: TF-001
}

data "google_iam_policy" "gcs_public" {
  binding {
    role    = "roles/storage.objectViewer"
    members = ["allUsers"]
  }
}

resource "google_storage_bucket_iam_policy" "gcs_public_policy" {
  bucket      = "acme-gcs-public"
  policy_data = data.google_iam_policy.gcs_public.policy_data # expect: TF-001
}

resource "google_storage_bucket_acl" "gcs_public_acl" {
  bucket      = "acme-gcs-public"
  role_entity = ["OWNER:project-owners-123456", "READER:allUsers"] # expect: TF-001
}

resource "google_storage_default_object_access_control" "gcs_public_default" {
  bucket = "acme-gcs-public"
  role   = "READER"
  entity = "allUsers" # expect: TF-001
}
