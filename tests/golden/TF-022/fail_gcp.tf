resource "google_project" "fg_app" { # expect: TF-022
  name       = "fg-app"
  project_id = "fg-app-123"
  org_id     = "123456789"
}

resource "google_project_iam_audit_config" "fg_partial" {
  project = "fg-other-project"
  service = "allServices"
  audit_log_config { # expect: TF-022
    log_type = "ADMIN_READ"
  }
}

resource "google_organization_iam_audit_config" "fg_exempt" {
  org_id  = "123456789"
  service = "allServices"
  audit_log_config {
    log_type = "ADMIN_READ"
  }
  audit_log_config {
    log_type = "DATA_READ"
  }
  audit_log_config {
    log_type         = "DATA_WRITE"
    exempted_members = ["serviceAccount:etl@fg-app-123.iam.gserviceaccount.com"] # expect: TF-022
  }
}
