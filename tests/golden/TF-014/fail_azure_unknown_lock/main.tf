# The lock's scope is a variable without a default: it may cover the account or not.
# expect-unknown: TF-014
variable "lock_scope" {
  type = string
}

resource "azurerm_management_lock" "maybe" {
  name       = "maybe"
  scope      = var.lock_scope
  lock_level = "CanNotDelete"
}

resource "azurerm_storage_account" "maybe_locked" {
  name                     = "acmemaybe"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}
