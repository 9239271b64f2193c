resource "azuread_application" "fail_app" {
  display_name = "app"
}

# No end_date: two years by default.
resource "azuread_application_password" "forever" { # expect: TF-010
  application_id = azuread_application.fail_app.id
}

resource "azuread_service_principal_password" "one_year" {
  service_principal_id = "00000000-0000-0000-0000-000000000000"
  end_date_relative    = "8760h" # expect: TF-010
}

resource "azuread_application_password" "timeadd_long" {
  application_id = azuread_application.fail_app.id
  end_date       = timeadd(timestamp(), "4320h") # expect: TF-010
}

resource "azuread_application_password" "fixed_dates" {
  application_id = azuread_application.fail_app.id
  start_date     = "2025-01-01T00:00:00Z"
  end_date       = "2026-01-01T00:00:00Z" # expect: TF-010
}

resource "time_rotating" "fail_yearly" {
  rotation_years = 1
}

resource "azuread_application_password" "rotating_yearly" {
  application_id = azuread_application.fail_app.id
  end_date       = time_rotating.fail_yearly.rotation_rfc3339 # expect: TF-010
}

# Shared keys default to enabled: low.
resource "azurerm_storage_account" "fail_default_keys" { # expect: TF-010
  name                     = "acmefaildefault"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

resource "azurerm_storage_account" "fail_keys_on" {
  name                      = "acmefailkeyson"
  resource_group_name       = "rg"
  location                  = "westeurope"
  account_tier              = "Standard"
  account_replication_type  = "LRS"
  shared_access_key_enabled = true # expect: TF-010
}

variable "fail_acr_admin" {
  default = true
}

resource "azurerm_container_registry" "fail_admin" {
  name                = "acmefail"
  resource_group_name = "rg"
  location            = "westeurope"
  sku                 = "Basic"
  admin_enabled       = var.fail_acr_admin # expect: TF-010
}
