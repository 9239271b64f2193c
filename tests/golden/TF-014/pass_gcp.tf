# deletion_protection absent: the provider default is true.
resource "google_sql_database_instance" "default_protected" {
  name             = "orders"
  database_version = "POSTGRES_15"
  settings {
    tier                        = "db-custom-2-7680"
    deletion_protection_enabled = true
  }
}

resource "google_sql_database_instance" "explicit" {
  name                = "billing"
  database_version    = "MYSQL_8_0"
  deletion_protection = true
  settings {
    tier                        = "db-custom-2-7680"
    deletion_protection_enabled = "true"
  }
}

resource "google_container_cluster" "default_protected" {
  name     = "apps"
  location = "europe-west1"
}

resource "google_bigquery_table" "protected" {
  dataset_id          = "analytics"
  table_id            = "events"
  deletion_protection = true
}

resource "google_spanner_database" "default_protected" {
  instance = "main"
  name     = "ledger"
}

resource "google_bigtable_instance" "protected" {
  name                = "timeseries"
  deletion_protection = true
}

resource "google_storage_bucket" "no_force_destroy" {
  name     = "acme-tf014-gcs"
  location = "EU"
}
