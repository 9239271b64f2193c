resource "azuread_application" "pass_app" {
  display_name = "app"
}

resource "azuread_application_password" "short" {
  application_id    = azuread_application.pass_app.id
  end_date_relative = "2160h"
}

resource "azuread_application_password" "timeadd_short" {
  application_id = azuread_application.pass_app.id
  end_date       = timeadd(timestamp(), "720h")
}

resource "time_rotating" "pass_monthly" {
  rotation_days = 30
}

resource "azuread_service_principal_password" "rotating" {
  service_principal_id = "00000000-0000-0000-0000-000000000000"
  end_date             = time_rotating.pass_monthly.rotation_rfc3339
}

resource "azurerm_storage_account" "pass_no_keys" {
  name                      = "acmepassnokeys"
  resource_group_name       = "rg"
  location                  = "westeurope"
  account_tier              = "Standard"
  account_replication_type  = "LRS"
  shared_access_key_enabled = false
}

resource "azurerm_container_registry" "pass_default" {
  name                = "acmepass"
  resource_group_name = "rg"
  location            = "westeurope"
  sku                 = "Premium"
}

resource "azurerm_container_registry" "pass_off" {
  name                = "acmepassoff"
  resource_group_name = "rg"
  location            = "westeurope"
  sku                 = "Premium"
  admin_enabled       = false
}
