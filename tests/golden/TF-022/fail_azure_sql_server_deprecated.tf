resource "azurerm_sql_server" "unaudited" { # expect: TF-022
  name    = "sql-unaudited"
  version = "12.0"
}

resource "azurerm_sql_server" "short" {
  name    = "sql-short"
  version = "12.0"

  extended_auditing_policy {
    storage_endpoint  = "https://audits.blob.core.windows.net/"
    retention_in_days = 6 # expect: TF-022
  }
}
