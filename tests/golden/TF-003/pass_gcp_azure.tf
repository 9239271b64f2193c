# Without tf.require_cmk, Cloud SQL and Azure backup vaults are encrypted by default: PASS.
resource "google_sql_database_instance" "db" {
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
    backup_configuration {
      enabled = true
    }
  }
}

resource "azurerm_recovery_services_vault" "vault" {
  name                = "vault"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Standard"
}

resource "azurerm_data_protection_backup_vault" "vault" {
  name                = "dp"
  location            = "westeurope"
  resource_group_name = "rg"
  datastore_type      = "VaultStore"
  redundancy          = "GeoRedundant"
}
