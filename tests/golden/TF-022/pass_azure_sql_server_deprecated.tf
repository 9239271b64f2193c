# The deprecated azurerm_sql_server is audited like azurerm_mssql_server.
resource "azurerm_sql_server" "inline" {
  name    = "sql-inline"
  version = "12.0"

  extended_auditing_policy {
    storage_endpoint  = "https://audits.blob.core.windows.net/"
    retention_in_days = 90
  }
}

resource "azurerm_sql_server" "separate" {
  name    = "sql-separate"
  version = "12.0"
}

resource "azurerm_mssql_server_extended_auditing_policy" "separate" {
  server_id         = azurerm_sql_server.separate.id
  storage_endpoint  = "https://audits.blob.core.windows.net/"
  retention_in_days = 0
}
