resource "azurerm_managed_disk" "data" {
  name                 = "data"
  location             = "westeurope"
  resource_group_name  = "rg"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 64
}

resource "azurerm_managed_disk" "ade" {
  name                 = "ade"
  location             = "westeurope"
  resource_group_name  = "rg"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 64
  encryption_settings {
    enabled = true
  }
}

# Transparent data encryption is on by default.
resource "azurerm_mssql_database" "db" {
  name      = "db"
  server_id = "server-id"
}

resource "azurerm_storage_account" "sa" {
  name                              = "acmesa"
  resource_group_name               = "rg"
  location                          = "westeurope"
  account_tier                      = "Standard"
  account_replication_type          = "GRS"
  infrastructure_encryption_enabled = true
}
