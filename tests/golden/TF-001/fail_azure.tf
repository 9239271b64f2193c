# allow_nested_items_to_be_public absent: the provider default is true.
# No public_network_access_enabled = false and no network rules (medium).
resource "azurerm_storage_account" "az_defaults" { # expect: TF-001
  name                     = "acmeazdefaults"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

resource "azurerm_storage_account" "az_legacy_public" {
  name                          = "acmeazlegacy"
  resource_group_name           = "rg-data"
  location                      = "westeurope"
  account_tier                  = "Standard"
  account_replication_type      = "LRS"
  allow_blob_public_access      = true # expect: TF-001
  public_network_access_enabled = false
}

resource "azurerm_storage_account" "az_open_network" {
  name                            = "acmeazopen"
  resource_group_name             = "rg-data"
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  allow_nested_items_to_be_public = false

  network_rules {
    default_action = "Allow" # expect: TF-001
  }
}

resource "azurerm_storage_container" "az_blob" {
  name                  = "images"
  storage_account_id    = azurerm_storage_account.az_defaults.id
  container_access_type = "blob" # expect: TF-001
}

resource "azurerm_storage_container" "az_container" {
  name                  = "downloads"
  storage_account_id    = azurerm_storage_account.az_defaults.id
  container_access_type = "container" # expect: TF-001
}
