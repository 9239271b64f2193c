resource "google_sql_database_instance" "db" { # expect: TF-003
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
  }
}

resource "azurerm_recovery_services_vault" "vault" { # expect: TF-003
  name                = "vault"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Standard"
}

resource "azurerm_data_protection_backup_vault" "no_key" { # expect: TF-003
  name                = "dp"
  location            = "westeurope"
  resource_group_name = "rg"
  datastore_type      = "VaultStore"
  redundancy          = "GeoRedundant"
}
