resource "google_sql_database_instance" "open" {
  name             = "open"
  database_version = "POSTGRES_15"
  settings {
    tier = "db-custom-2-7680"
    ip_configuration {
      ipv4_enabled = true
      authorized_networks {
        name  = "office"
        value = "203.0.113.0/24"
      }
      authorized_networks {
        name  = "everyone"
        value = "0.0.0.0/0" # expect: TF-008
      }
    }
  }
}

# ipv4_enabled defaults to true.
resource "google_sql_database_instance" "dynamic_networks" {
  name             = "dynamic-networks"
  database_version = "MYSQL_8_0"
  settings {
    tier = "db-n1-standard-1"
    ip_configuration {
      dynamic "authorized_networks" {
        for_each = ["0.0.0.0/0"]
        content {
          value = authorized_networks.value # expect: TF-008
        }
      }
    }
  }
}

# medium: an external IP.
resource "google_compute_instance" "web" {
  name         = "web"
  machine_type = "e2-small"
  zone         = "europe-west1-b"
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  network_interface {
    network = "default"
    access_config { # expect: TF-008
    }
  }
}

resource "google_container_cluster" "public" { # expect: TF-008
  name     = "public"
  location = "europe-west1"
}

resource "google_container_cluster" "half" {
  name     = "half"
  location = "europe-west1"
  private_cluster_config {
    enable_private_nodes    = false # expect: TF-008
    enable_private_endpoint = false
  }
  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "0.0.0.0/0" # expect: TF-008
      display_name = "all"
    }
  }
}
