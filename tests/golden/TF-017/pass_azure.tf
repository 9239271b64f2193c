resource "azurerm_postgresql_flexible_server" "pg" {
  name                         = "pg-prod"
  backup_retention_days        = 14
  geo_redundant_backup_enabled = true
}

# backup_retention_days defaults to 7 days.
resource "azurerm_mysql_flexible_server" "mysql" {
  name                         = "mysql-prod"
  geo_redundant_backup_enabled = true
}

resource "azurerm_mssql_database" "app" {
  name = "app"

  short_term_retention_policy {
    retention_days = 7
  }
}

# short_term_retention_policy defaults to 7 days.
resource "azurerm_mssql_database" "reports" {
  name = "reports"
}

resource "azurerm_linux_virtual_machine" "db_vm" {
  name = "db-vm"
  tags = {
    stateful = "true"
  }
}

resource "azurerm_backup_protected_vm" "db_vm" {
  source_vm_id     = azurerm_linux_virtual_machine.db_vm.id
  backup_policy_id = "policy-id"
}

# Not tagged stateful: N/A.
resource "azurerm_linux_virtual_machine" "web_vm" {
  name = "web-vm"
}
