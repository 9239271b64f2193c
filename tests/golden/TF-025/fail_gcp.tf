resource "google_container_cluster" "fg_none" { # expect: TF-025
  name     = "fg-none"
  location = "europe-west1"
}

resource "google_container_cluster" "fg_unspecified" {
  name               = "fg-unspecified"
  location           = "europe-west1"
  min_master_version = "1.27.8-gke.1067004" # expect: TF-025
  release_channel {
    channel = "UNSPECIFIED" # expect: TF-025
  }
  node_pool {
    name = "default"
    management {
      auto_upgrade = false # expect: TF-025
      auto_repair  = true
    }
  }
}

resource "google_container_node_pool" "fg_pool" { # expect: TF-025
  name    = "fg-pool"
  cluster = "fg-unspecified"
}

resource "google_container_node_pool" "fg_no_repair" {
  name    = "fg-no-repair"
  cluster = "fg-unspecified"
  management { # expect: TF-025
    auto_upgrade = true
  }
}

resource "google_sql_database_instance" "fg_sql" {
  name             = "fg-sql"
  database_version = "MYSQL_8_0"
  region           = "europe-west1"
  settings { # expect: TF-025
    tier = "db-f1-micro"
  }
}
