resource "azurerm_container_registry" "fz_premium" { # expect: TF-026
  name                = "fzpremium"
  resource_group_name = "rg"
  location            = "westeurope"
  sku                 = "Premium"
}
