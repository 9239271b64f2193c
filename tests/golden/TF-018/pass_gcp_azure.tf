resource "google_storage_bucket" "versioned" {
  name     = "acme-tf018-gcs"
  location = "EU"
  versioning {
    enabled = true
  }
}

# Soft delete only: deleted objects are kept for the retention window (accepted).
resource "google_storage_bucket" "soft_delete" {
  name     = "acme-tf018-gcs-soft"
  location = "EU"
  soft_delete_policy {
    retention_duration_seconds = 1209600
  }
}

resource "google_storage_bucket" "logs" {
  name     = "acme-tf018-gcs-logs"
  location = "EU"
  labels = {
    purpose = "logs"
  }
}

resource "azurerm_storage_account" "versioned" {
  name                     = "acmetf018"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
  blob_properties {
    versioning_enabled = true
    delete_retention_policy {
      days = 14
    }
    container_delete_retention_policy {}
  }
}

# Data Lake Gen2: blob versioning is not available; soft delete still is.
resource "azurerm_storage_account" "datalake" {
  name                     = "acmetf018lake"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
  is_hns_enabled           = true
  blob_properties {
    delete_retention_policy {
      days = 7
    }
    container_delete_retention_policy {
      days = 7
    }
  }
}

# Premium file shares hold no blobs: N/A.
resource "azurerm_storage_account" "files" {
  name                     = "acmetf018files"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Premium"
  account_kind             = "FileStorage"
  account_replication_type = "ZRS"
}
