terraform { # expect: TF-027
  backend "gcs" {
    bucket = "acme-tf-state"
  }
}

provider "google" {
  project = "acme-prod"
}
