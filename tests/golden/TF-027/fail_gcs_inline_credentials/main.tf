terraform {
  required_version = ">= 1.6"
  backend "gcs" {
    bucket      = "acme-tf-state"
    credentials = "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEv\"}" # expect: TF-027
  }
}

provider "google" {
  project = "acme-prod"
}
