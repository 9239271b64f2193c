terraform {
  backend "gcs" {
    bucket = "acme-tf-state"
  }
}
