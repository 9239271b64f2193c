resource "azurerm_kubernetes_cluster" "fz_none" { # expect: TF-025
  name                = "fz-none"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  kubernetes_version  = "1.28" # expect: TF-025
}

resource "azurerm_kubernetes_cluster" "fz_v3" {
  name                      = "fz-v3"
  location                  = "westeurope"
  resource_group_name       = "rg"
  dns_prefix                = "aks"
  automatic_channel_upgrade = "none" # expect: TF-025
  node_os_channel_upgrade   = "Unmanaged" # expect: TF-025
}

resource "azurerm_windows_virtual_machine" "fz_vm" {
  name                = "fz-vm"
  resource_group_name = "rg"
  location            = "westeurope"
  size                = "Standard_B2s"
  patch_mode          = "Manual" # expect: TF-025
}

resource "azurerm_linux_virtual_machine" "fz_default" { # expect: TF-025
  name                = "fz-default"
  resource_group_name = "rg"
  location            = "westeurope"
  size                = "Standard_B2s"
}
