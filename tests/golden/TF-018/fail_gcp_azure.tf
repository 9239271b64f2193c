resource "google_storage_bucket" "unversioned" { # expect: TF-018
  name     = "acme-tf018-gcs-none"
  location = "EU"
}

resource "google_storage_bucket" "off" {
  name     = "acme-tf018-gcs-off"
  location = "EU"
  versioning {
    enabled = false # expect: TF-018
  }
}

# Soft delete switched off does not count.
resource "google_storage_bucket" "soft_delete_off" { # expect: TF-018
  name     = "acme-tf018-gcs-soft-off"
  location = "EU"
  soft_delete_policy {
    retention_duration_seconds = 0
  }
}

resource "azurerm_storage_account" "no_blob_properties" { # expect: TF-018
  name                     = "acmetf018none"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}

resource "azurerm_storage_account" "partial" {
  name                     = "acmetf018partial"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
  blob_properties { # expect: TF-018
    delete_retention_policy {
      days = 3 # expect: TF-018
    }
  }
}
