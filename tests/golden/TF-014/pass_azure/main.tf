provider "azurerm" {
  features {
    resource_group {
      prevent_deletion_if_contains_resources = true
    }
    key_vault {
      purge_soft_delete_on_destroy = false
    }
  }
}

resource "azurerm_resource_group" "data" {
  name     = "rg-data"
  location = "westeurope"
}

# The group's lock covers everything in it.
resource "azurerm_management_lock" "data" {
  name       = "data-cannot-delete"
  scope      = azurerm_resource_group.data.id
  lock_level = "CanNotDelete"
}

resource "azurerm_storage_account" "in_locked_group" {
  name                     = "acmedata"
  resource_group_name      = azurerm_resource_group.data.name
  location                 = azurerm_resource_group.data.location
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}

# Same group, named by its literal name.
resource "azurerm_key_vault" "in_locked_group" {
  name                       = "acme-kv"
  resource_group_name        = "rg-data"
  location                   = "westeurope"
  tenant_id                  = "00000000-0000-0000-0000-000000000000"
  sku_name                   = "standard"
  purge_protection_enabled   = true
  soft_delete_retention_days = 7
}

# A group outside this module, locked by its literal id.
resource "azurerm_management_lock" "shared" {
  name       = "shared-cannot-delete"
  scope      = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared"
  lock_level = "CanNotDelete"
}

resource "azurerm_postgresql_flexible_server" "in_shared_group" {
  name                = "acme-pg"
  resource_group_name = "rg-shared"
  location            = "westeurope"
}

# A lock on the server covers its databases; ReadOnly forbids deletes too.
resource "azurerm_mssql_server" "sql" {
  name                = "acme-sql"
  resource_group_name = "rg-other"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_management_lock" "sql" {
  name       = "sql-read-only"
  scope      = azurerm_mssql_server.sql.id
  lock_level = "ReadOnly"
}

resource "azurerm_mssql_database" "on_locked_server" {
  name      = "orders"
  server_id = azurerm_mssql_server.sql.id
}

# A lock on the resource itself.
resource "azurerm_cosmosdb_account" "self_locked" {
  name                = "acme-cosmos"
  resource_group_name = "rg-other"
  location            = "westeurope"
  offer_type          = "Standard"
}

resource "azurerm_management_lock" "cosmos" {
  name       = "cosmos-cannot-delete"
  scope      = azurerm_cosmosdb_account.self_locked.id
  lock_level = "CanNotDelete"
}

resource "azurerm_mysql_flexible_server" "self_locked" {
  name                = "acme-mysql"
  resource_group_name = "rg-other"
  location            = "westeurope"
}

resource "azurerm_management_lock" "mysql" {
  name       = "mysql-cannot-delete"
  scope      = azurerm_mysql_flexible_server.self_locked.id
  lock_level = "CanNotDelete"
}
