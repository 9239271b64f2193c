resource "azurerm_kubernetes_cluster" "pz_v4" {
  name                      = "pz-v4"
  location                  = "westeurope"
  resource_group_name       = "rg"
  dns_prefix                = "aks"
  automatic_upgrade_channel = "patch"
  node_os_upgrade_channel   = "SecurityPatch"
}

# azurerm v3 names.
resource "azurerm_kubernetes_cluster" "pz_v3" {
  name                      = "pz-v3"
  location                  = "westeurope"
  resource_group_name       = "rg"
  dns_prefix                = "aks"
  automatic_channel_upgrade = "stable"
  node_os_channel_upgrade   = "NodeImage"
}

resource "azurerm_linux_virtual_machine" "pz_vm" {
  name                = "pz-vm"
  resource_group_name = "rg"
  location            = "westeurope"
  size                = "Standard_B2s"
  patch_mode          = "AutomaticByPlatform"
}
