resource "google_compute_backend_service" "fg_api" { # expect: TF-020
  name = "fg-api"
}

resource "google_compute_region_backend_service" "fg_internal" {
  name          = "fg-internal"
  region        = "europe-west1"
  health_checks = [] # expect: TF-020
}

resource "google_compute_instance_group_manager" "fg_web" { # expect: TF-020
  name               = "fg-web"
  base_instance_name = "web"
  zone               = "europe-west1-b"
  version {
    instance_template = "tmpl"
  }
}

resource "google_cloud_run_v2_service" "fg_api" {
  name     = "fg-api"
  location = "europe-west1"
  template {
    containers { # expect: TF-020
      image = "api:1"
    }
  }
}
