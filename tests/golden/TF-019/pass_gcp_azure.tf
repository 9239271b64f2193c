resource "google_sql_database_instance" "orders" {
  name             = "orders"
  database_version = "POSTGRES_15"
  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"
    user_labels = {
      env = "prod"
    }
  }
}

resource "google_container_cluster" "regional" {
  name     = "apps"
  location = "europe-west1"
  resource_labels = {
    environment = "production"
  }
}

resource "azurerm_postgresql_flexible_server" "pg" {
  name                = "acme-pg"
  resource_group_name = "rg"
  location            = "westeurope"
  tags                = { environment = "prod" }
  high_availability {
    mode = "ZoneRedundant"
  }
}

resource "azurerm_mssql_database" "orders" {
  name           = "orders"
  server_id      = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql"
  zone_redundant = true
  tags           = { environment = "prod" }
}

resource "azurerm_mssql_database" "pooled" {
  name            = "pooled"
  server_id       = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql"
  elastic_pool_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql/elasticPools/pool"
  tags            = { environment = "prod" }
}

resource "azurerm_storage_account" "zrs" {
  name                     = "acmetf019"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "RAGZRS"
  tags                     = { environment = "prod" }
}
