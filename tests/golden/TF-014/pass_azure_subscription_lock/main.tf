data "azurerm_subscription" "current" {}

# A subscription-wide delete lock covers every resource.
resource "azurerm_management_lock" "subscription" {
  name       = "no-deletes"
  scope      = data.azurerm_subscription.current.id
  lock_level = "CanNotDelete"
}

resource "azurerm_storage_account" "covered" {
  name                     = "acmecovered"
  resource_group_name      = "rg-anything"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

resource "azurerm_key_vault" "covered" {
  name                     = "acme-kv-covered"
  resource_group_name      = "rg-anything"
  location                 = "westeurope"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = "standard"
  purge_protection_enabled = true
}
