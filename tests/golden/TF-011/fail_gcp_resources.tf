resource "google_sql_user" "app" {
  name     = "app"
  instance = "main"
  password = "Cl0udSQL-App-P4ss" # expect: TF-011
}

resource "google_secret_manager_secret_version" "api" {
  secret      = "projects/acme/secrets/api"
  secret_data = "gsm-l1teral-8fQ2zL" # expect: TF-011
}

resource "google_compute_instance" "runner" {
  name         = "runner"
  machine_type = "e2-small"
  metadata = { # expect: TF-011
    startup-script = "export GH_TOKEN=ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5"
  }
}

resource "google_compute_instance" "worker" {
  name                    = "worker"
  machine_type            = "e2-small"
  metadata_startup_script = "curl -fsS https://deploy:Pa55w0rdInUrl9@repo.example.com/pkg" # expect: TF-011
}
