resource "azurerm_security_center_subscription_pricing" "vms" {
  tier = "Standard"
}

resource "azurerm_container_registry" "basic" { # expect: TF-026
  name                = "basic"
  resource_group_name = "rg"
  location            = "westeurope"
  sku                 = "Basic"
}
