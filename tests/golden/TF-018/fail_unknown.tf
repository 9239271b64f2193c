# expect-unknown: TF-018
variable "versioning_on" {
  type = bool
}

resource "google_storage_bucket" "unknown" {
  name     = "acme-tf018-gcs-unknown"
  location = "EU"
  versioning {
    enabled = var.versioning_on
  }
}
