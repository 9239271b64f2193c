resource "google_storage_bucket" "assets" { # expect: TF-015
  name     = "acme-tf015-assets"
  location = "EU"
}

resource "google_kms_key_ring" "main" { # expect: TF-015
  name     = "main"
  location = "europe"
}

resource "google_bigquery_dataset" "analytics" { # expect: TF-015
  dataset_id = "analytics"
}

resource "google_spanner_database" "ledger" { # expect: TF-015
  instance = "main"
  name     = "ledger"
}

resource "google_bigtable_instance" "timeseries" { # expect: TF-015
  name = "timeseries"
}

resource "azurerm_storage_account" "data" { # expect: TF-015
  name                     = "acmedata"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}

resource "azurerm_mssql_server" "sql" { # expect: TF-015
  name                = "acme-sql"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_mssql_database" "orders" { # expect: TF-015
  name      = "orders"
  server_id = azurerm_mssql_server.sql.id
}

resource "azurerm_postgresql_flexible_server" "pg" { # expect: TF-015
  name                = "acme-pg"
  resource_group_name = "rg"
  location            = "westeurope"
}

resource "azurerm_mysql_flexible_server" "mysql" { # expect: TF-015
  name                = "acme-mysql"
  resource_group_name = "rg"
  location            = "westeurope"
}

resource "azurerm_cosmosdb_account" "cosmos" {
  name                = "acme-cosmos"
  resource_group_name = "rg"
  location            = "westeurope"
  offer_type          = "Standard"
  lifecycle {
    prevent_destroy = "false" # expect: TF-015
  }
}
