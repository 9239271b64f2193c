terraform {
  backend "gcs" {
    bucket = "acme-tfstate"
    prefix = "prod"
  }
}

provider "google" {
  project = "acme-prod"
  region  = "europe-west1"
}

resource "google_storage_bucket" "assets" {
  name     = "acme-assets"
  location = "EU"
}
