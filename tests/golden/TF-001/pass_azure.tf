resource "azurerm_storage_account" "locked" {
  name                            = "acmelocked"
  resource_group_name             = "rg-data"
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "GRS"
  allow_nested_items_to_be_public = false
  public_network_access_enabled   = false
}

# azurerm v2 name, and network rules that deny by default.
resource "azurerm_storage_account" "legacy" {
  name                     = "acmelegacy"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
  allow_blob_public_access = false

  network_rules {
    default_action = "Deny"
    ip_rules       = ["203.0.113.10"]
  }
}

# Network rules as a separate resource.
resource "azurerm_storage_account" "separate_rules" {
  name                            = "acmeseparate"
  resource_group_name             = "rg-data"
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  allow_nested_items_to_be_public = false
}

resource "azurerm_storage_account_network_rules" "separate_rules" {
  storage_account_id = azurerm_storage_account.separate_rules.id
  default_action     = "Deny"
}

resource "azurerm_storage_container" "default_private" {
  name               = "reports"
  storage_account_id = azurerm_storage_account.locked.id
}

resource "azurerm_storage_container" "explicit_private" {
  name                  = "exports"
  storage_account_id    = azurerm_storage_account.locked.id
  container_access_type = "private"
}
