resource "google_sql_database_instance" "zonal" {
  name             = "orders"
  database_version = "POSTGRES_15"
  settings { # expect: TF-019
    tier        = "db-custom-2-7680"
    user_labels = { env = "prod" }
  }
}

resource "google_container_cluster" "zonal" {
  name            = "apps"
  location        = "europe-west1-b" # expect: TF-019
  resource_labels = { environment = "production" }
}

resource "azurerm_postgresql_flexible_server" "no_ha" { # expect: TF-019
  name                = "acme-pg"
  resource_group_name = "rg"
  location            = "westeurope"
  tags                = { environment = "prod" }
}

resource "azurerm_mysql_flexible_server" "same_zone" {
  name                = "acme-mysql"
  resource_group_name = "rg"
  location            = "westeurope"
  tags                = { environment = "prod" }
  high_availability {
    mode = "SameZone" # expect: TF-019
  }
}

resource "azurerm_mssql_database" "not_zone_redundant" { # expect: TF-019
  name      = "orders"
  server_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql"
  tags      = { environment = "prod" }
}

# low: locally redundant storage
resource "azurerm_storage_account" "lrs" {
  name                     = "acmetf019lrs"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS" # expect: TF-019
  tags                     = { environment = "prod" }
}
