resource "google_sql_database_instance" "db" {
  database_version    = "POSTGRES_15"
  encryption_key_name = google_kms_crypto_key.sql.id
  settings {
    tier = "db-f1-micro"
  }
}

# A replica carries no backups: N/A.
resource "google_sql_database_instance" "replica" {
  database_version     = "POSTGRES_15"
  master_instance_name = google_sql_database_instance.db.name
  settings {
    tier = "db-f1-micro"
  }
}

resource "azurerm_recovery_services_vault" "vault" {
  name                = "vault"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Standard"
  encryption {
    key_id                            = azurerm_key_vault_key.backup.id
    infrastructure_encryption_enabled = true
    use_system_assigned_identity      = true
  }
}

resource "azurerm_data_protection_backup_vault" "vault" {
  name                = "dp"
  location            = "westeurope"
  resource_group_name = "rg"
  datastore_type      = "VaultStore"
  redundancy          = "GeoRedundant"
}

resource "azurerm_data_protection_backup_vault_customer_managed_key" "vault" {
  data_protection_backup_vault_id = azurerm_data_protection_backup_vault.vault.id
  key_vault_key_id                = azurerm_key_vault_key.backup.id
}
