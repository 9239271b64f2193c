# A flexible-server read replica has no backups of its own (its source's are used).
resource "azurerm_postgresql_flexible_server" "primary" {
  name                         = "pg-primary"
  geo_redundant_backup_enabled = true
}

resource "azurerm_postgresql_flexible_server" "replica" {
  name             = "pg-replica"
  create_mode      = "Replica"
  source_server_id = azurerm_postgresql_flexible_server.primary.id
}

variable "mysql_mode" {
  default = "Replica"
}

resource "azurerm_mysql_flexible_server" "replica" {
  name             = "mysql-replica"
  create_mode      = var.mysql_mode
  source_server_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.DBforMySQL/flexibleServers/src"
}

# Deprecated single servers take the same arguments (retention defaults to 7 days).
resource "azurerm_postgresql_server" "single" {
  name                         = "pg-single"
  sku_name                     = "GP_Gen5_4"
  geo_redundant_backup_enabled = true
}

resource "azurerm_mysql_server" "single" {
  name                         = "mysql-single"
  sku_name                     = "GP_Gen5_2"
  backup_retention_days        = 14
  geo_redundant_backup_enabled = true
}

resource "azurerm_postgresql_server" "single_replica" {
  name                      = "pg-single-replica"
  create_mode               = "Replica"
  creation_source_server_id = azurerm_postgresql_server.single.id
}
