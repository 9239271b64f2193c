provider "azurerm" {
  features {
    resource_group {
      prevent_deletion_if_contains_resources = false
    }
    key_vault {
      purge_soft_delete_on_destroy = true
    }
  }
}

# medium: destroying the group deletes resources Terraform does not manage
resource "azurerm_resource_group" "data" { # expect: TF-014
  name     = "rg-data"
  location = "westeurope"
}

resource "azurerm_resource_group" "other" { # expect: TF-014
  name     = "rg-other"
  location = "westeurope"
}

# A lock on another group does not cover this one.
resource "azurerm_management_lock" "other" {
  name       = "other-cannot-delete"
  scope      = azurerm_resource_group.other.id
  lock_level = "CanNotDelete"
}

resource "azurerm_storage_account" "unlocked" { # expect: TF-014
  name                     = "acmedata"
  resource_group_name      = azurerm_resource_group.data.name
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}

# A lock without delete protection does not count.
resource "azurerm_management_lock" "weak" {
  name       = "weak"
  scope      = azurerm_mssql_server.weakly_locked.id
  lock_level = "None"
}

resource "azurerm_mssql_server" "weakly_locked" { # expect: TF-014
  name                = "acme-sql"
  resource_group_name = "rg-data"
  location            = "westeurope"
  version             = "12.0"
}

# In the locked group, but purge protection is off and the provider purges vaults.
resource "azurerm_key_vault" "purgeable" { # expect: TF-014
  name                       = "acme-kv"
  resource_group_name        = azurerm_resource_group.other.name
  location                   = "westeurope"
  tenant_id                  = "00000000-0000-0000-0000-000000000000"
  sku_name                   = "standard"
  purge_protection_enabled   = false # expect: TF-014
  soft_delete_retention_days = 7
}
