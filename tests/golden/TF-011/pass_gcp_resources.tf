data "google_secret_manager_secret_version" "db" {
  secret = "db-password"
}

resource "google_sql_user" "app" {
  name     = "app"
  instance = "main"
  password = data.google_secret_manager_secret_version.db.secret_data
}

resource "google_compute_instance" "web" {
  name         = "web"
  machine_type = "e2-small"
  metadata = {
    enable-oslogin = "TRUE"
    startup-script = "gcloud secrets versions access latest --secret=api > /run/api"
  }
}
