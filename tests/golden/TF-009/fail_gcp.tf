resource "google_project_iam_member" "owner" {
  project = "acme-prod"
  role    = "roles/owner" # expect: TF-009
  member  = "user:alice@example.com"
}

# Basic roles at organisation level: critical.
resource "google_organization_iam_binding" "editor" {
  org_id  = "123456789"
  role    = "roles/editor" # expect: TF-009
  members = ["group:admins@example.com"]
}

resource "google_folder_iam_member" "owner" {
  folder = "folders/1234"
  role   = "roles/owner" # expect: TF-009
  member = "serviceAccount:ci@acme-prod.iam.gserviceaccount.com"
}

resource "google_project_iam_binding" "sa_user" {
  project = "acme-prod"
  role    = "roles/iam.serviceAccountUser" # expect: TF-009
  members = ["group:developers@example.com", "serviceAccount:ci@acme-prod.iam.gserviceaccount.com"]
}

variable "fail_gcp_operator" {
  default = "bob@example.com"
}

resource "google_project_iam_member" "token_creator" {
  project = "acme-prod"
  role    = "roles/iam.serviceAccountTokenCreator" # expect: TF-009
  member  = "user:${var.fail_gcp_operator}"
}

# allUsers / allAuthenticatedUsers on any IAM resource: critical.
resource "google_storage_bucket_iam_member" "public" {
  bucket = "acme-assets"
  role   = "roles/storage.objectViewer"
  member = "allUsers" # expect: TF-009
}

resource "google_pubsub_topic_iam_binding" "public" {
  topic   = "events"
  role    = "roles/pubsub.publisher"
  members = ["allAuthenticatedUsers"] # expect: TF-009
}

data "google_iam_policy" "owner_policy" {
  binding {
    role    = "roles/owner"
    members = ["user:alice@example.com"]
  }
}

resource "google_project_iam_policy" "owner_policy" {
  project     = "acme-prod"
  policy_data = data.google_iam_policy.owner_policy.policy_data # expect: TF-009
}
