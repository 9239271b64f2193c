terraform {
  required_version = ">= 1.6"
  backend "gcs" {
    bucket      = "acme-tf-state"
    prefix      = "network"
    credentials = "sa-key.json" # a path, not the key itself
  }
}

provider "google" {
  project = "acme-prod"
}
