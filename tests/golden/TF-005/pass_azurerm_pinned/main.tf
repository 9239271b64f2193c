terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

# azurerm >= 3 defaults min_tls_version to TLS1_2; >= 4 defaults Redis to 1.2.
resource "azurerm_storage_account" "pinned" {
  name                     = "pinnedaccount"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

resource "azurerm_redis_cache" "pinned" {
  name                = "pinned"
  location            = "westeurope"
  resource_group_name = "rg"
  capacity            = 1
  family              = "C"
  sku_name            = "Standard"
}
