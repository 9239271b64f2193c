resource "google_sql_database_instance" "off" {
  name                = "orders-dev"
  database_version    = "POSTGRES_15"
  deletion_protection = false # expect: TF-014
  settings {
    tier                        = "db-custom-2-7680"
    deletion_protection_enabled = true
  }
}

# low: the API-level protection (console, gcloud) is not enabled
resource "google_sql_database_instance" "no_api_protection" {
  name             = "reports"
  database_version = "MYSQL_8_0"
  settings { # expect: TF-014
    tier = "db-custom-2-7680"
  }
}

resource "google_container_cluster" "off" {
  name                = "apps"
  location            = "europe-west1"
  deletion_protection = false # expect: TF-014
}

resource "google_bigquery_table" "off" {
  dataset_id          = "analytics"
  table_id            = "events"
  deletion_protection = "false" # expect: TF-014
}

variable "keep_ledger" {
  default = false
}

resource "google_spanner_database" "from_variable" {
  instance            = "main"
  name                = "ledger"
  deletion_protection = var.keep_ledger # expect: TF-014
}

resource "google_bigtable_instance" "off" {
  name                = "timeseries"
  deletion_protection = false # expect: TF-014
}

resource "google_storage_bucket" "force_destroy" {
  name          = "acme-tf014-gcs-force"
  location      = "EU"
  force_destroy = true # expect: TF-014
}
