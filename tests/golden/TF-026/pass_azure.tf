resource "azurerm_security_center_subscription_pricing" "pz_containers" {
  tier          = "Standard"
  resource_type = "Containers"
}

resource "azurerm_container_registry" "pz_premium" {
  name                      = "pzpremium"
  resource_group_name       = "rg"
  location                  = "westeurope"
  sku                       = "Premium"
  quarantine_policy_enabled = true
}

# Quarantine needs Premium: a Standard registry relies on Defender alone.
resource "azurerm_container_registry" "pz_standard" {
  name                = "pzstandard"
  resource_group_name = "rg"
  location            = "westeurope"
  sku                 = "Standard"
}
