resource "azurerm_managed_disk" "ade_off" {
  name                 = "data"
  location             = "westeurope"
  resource_group_name  = "rg"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 64
  encryption_settings {
    enabled = false # expect: TF-002
  }
}

resource "azurerm_mssql_database" "no_tde" {
  name                                = "db"
  server_id                           = "server-id"
  transparent_data_encryption_enabled = false # expect: TF-002
}

# Low: infrastructure (double) encryption is off by default.
resource "azurerm_storage_account" "sa" { # expect: TF-002
  name                     = "acmesa"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}
