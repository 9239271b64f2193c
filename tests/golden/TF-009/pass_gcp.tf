resource "google_service_account" "pass_ci" {
  account_id = "ci"
}

resource "google_project_iam_member" "viewer" {
  project = "acme-prod"
  role    = "roles/viewer"
  member  = "user:alice@example.com"
}

# serviceAccountUser for a service account, at project level: not a human.
resource "google_project_iam_member" "sa_user_for_sa" {
  project = "acme-prod"
  role    = "roles/iam.serviceAccountUser"
  member  = "serviceAccount:${google_service_account.pass_ci.email}"
}

# serviceAccountUser on one service account (not the project): the recommended grant.
resource "google_service_account_iam_member" "act_as_ci" {
  service_account_id = google_service_account.pass_ci.name
  role               = "roles/iam.serviceAccountUser"
  member             = "group:deployers@example.com"
}

resource "google_storage_bucket_iam_binding" "readers" {
  bucket  = "acme-assets"
  role    = "roles/storage.objectViewer"
  members = ["group:readers@example.com", "domain:example.com"]
}

variable "pass_gcp_role" {
  default = "roles/logging.viewer"
}

resource "google_folder_iam_binding" "logging" {
  folder  = "folders/1234"
  role    = var.pass_gcp_role
  members = ["group:sre@example.com"]
}
