resource "google_container_cluster" "pg_gke" {
  name               = "pg-gke"
  location           = "europe-west1"
  min_master_version = "1.34"
  release_channel {
    channel = "REGULAR"
  }
}

resource "google_container_cluster" "pg_autopilot" {
  name             = "pg-autopilot"
  location         = "europe-west1"
  enable_autopilot = true
}

resource "google_container_node_pool" "pg_pool" {
  name    = "pg-pool"
  cluster = google_container_cluster.pg_gke.id
  management {
    auto_upgrade = true
    auto_repair  = true
  }
}

resource "google_sql_database_instance" "pg_sql" {
  name             = "pg-sql"
  database_version = "POSTGRES_16"
  region           = "europe-west1"
  settings {
    tier = "db-custom-2-7680"
    maintenance_window {
      day  = 7
      hour = 3
    }
  }
}
