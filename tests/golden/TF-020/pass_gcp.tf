resource "google_compute_health_check" "pg_http" {
  name = "pg-http"
  http_health_check {
    port = 8080
  }
}

resource "google_compute_backend_service" "pg_api" {
  name          = "pg-api"
  health_checks = [google_compute_health_check.pg_http.id]
}

# Serverless NEG backends take no health checks.
resource "google_compute_region_network_endpoint_group" "pg_run" {
  name                  = "pg-run"
  region                = "europe-west1"
  network_endpoint_type = "SERVERLESS"
  cloud_run {
    service = "pg-run"
  }
}

resource "google_compute_backend_service" "pg_serverless" {
  name = "pg-serverless"
  backend {
    group = google_compute_region_network_endpoint_group.pg_run.id
  }
}

resource "google_compute_region_instance_group_manager" "pg_web" {
  name               = "pg-web"
  base_instance_name = "web"
  region             = "europe-west1"
  version {
    instance_template = "tmpl"
  }
  auto_healing_policies {
    health_check      = google_compute_health_check.pg_http.id
    initial_delay_sec = 120
  }
}

resource "google_cloud_run_v2_service" "pg_api" {
  name     = "pg-api"
  location = "europe-west1"
  template {
    containers {
      image = "api:1"
      startup_probe {
        http_get {
          path = "/healthz"
        }
      }
    }
  }
}
