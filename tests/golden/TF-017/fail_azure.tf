resource "azurerm_postgresql_flexible_server" "short" { # expect: TF-017
  name                  = "pg-short"
  backup_retention_days = 3 # expect: TF-017
}

resource "azurerm_mysql_flexible_server" "local_only" {
  name                         = "mysql-local"
  geo_redundant_backup_enabled = false # expect: TF-017
}

resource "azurerm_mssql_database" "short" {
  name = "short"

  short_term_retention_policy {
    retention_days = 3 # expect: TF-017
  }
}

resource "azurerm_windows_virtual_machine" "ledger_vm" {
  name = "ledger-vm"
  tags = { # expect: TF-017
    stateful = "true"
  }
}
