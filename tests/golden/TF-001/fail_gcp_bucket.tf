resource "google_storage_bucket" "gcs_defaults" { # expect: TF-001
  name     = "acme-gcs-defaults"
  location = "EU"
}

resource "google_storage_bucket" "gcs_inherited" {
  name                        = "acme-gcs-inherited"
  location                    = "EU"
  public_access_prevention    = "inherited" # expect: TF-001
  uniform_bucket_level_access = false # expect: TF-001
}
