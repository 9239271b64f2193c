# tf.azurerm_min_version = 3: the provider default is TLS1_2.
resource "azurerm_storage_account" "setting" {
  name                     = "settingaccount"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}
