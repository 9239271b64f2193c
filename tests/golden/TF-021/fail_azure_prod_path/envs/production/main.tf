resource "azurerm_windows_web_app" "portal" { # expect: TF-021
  name                = "portal"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"

  site_config {}
}

resource "azurerm_app_service" "legacy" { # expect: TF-021
  name                = "legacy"
  location            = "westeurope"
  resource_group_name = "rg"
  app_service_plan_id = "plan"
}

resource "azurerm_app_service" "legacy_with_slot" {
  name                = "legacy-with-slot"
  location            = "westeurope"
  resource_group_name = "rg"
  app_service_plan_id = "plan"
}

resource "azurerm_app_service_slot" "legacy_staging" {
  name                = "staging"
  app_service_name    = azurerm_app_service.legacy_with_slot.name
  location            = "westeurope"
  resource_group_name = "rg"
  app_service_plan_id = "plan"
}
