resource "google_project" "pg_app" {
  name       = "pg-app"
  project_id = "pg-app-123"
  org_id     = "123456789"
}

resource "google_project_iam_audit_config" "pg_all" {
  project = google_project.pg_app.project_id
  service = "allServices"
  audit_log_config {
    log_type = "ADMIN_READ"
  }
  audit_log_config {
    log_type = "DATA_READ"
  }
  audit_log_config {
    log_type = "DATA_WRITE"
  }
}

resource "google_organization_iam_audit_config" "pg_org" {
  org_id  = "123456789"
  service = "storage.googleapis.com"
  audit_log_config {
    log_type = "DATA_READ"
  }
}
