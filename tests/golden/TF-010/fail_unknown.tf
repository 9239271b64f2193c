# expect-unknown: TF-010
variable "unknown_end_date" {
  type = string
}

resource "azuread_application_password" "unknown_end" {
  application_id = "00000000-0000-0000-0000-000000000000"
  end_date       = var.unknown_end_date
}

# A fixed end date without start_date: the lifetime depends on when it is created.
resource "azuread_application_password" "unknown_fixed" {
  application_id = "00000000-0000-0000-0000-000000000000"
  end_date       = "2030-01-01T00:00:00Z"
}

variable "unknown_shared_keys" {
  type = bool
}

resource "azurerm_storage_account" "unknown_keys" {
  name                      = "acmeunknownkeys"
  resource_group_name       = "rg"
  location                  = "westeurope"
  account_tier              = "Standard"
  account_replication_type  = "LRS"
  shared_access_key_enabled = var.unknown_shared_keys
}
