# low: backups go with the database after the short-term window
resource "azurerm_mssql_database" "no_ltr" { # expect: TF-016
  name      = "reports"
  server_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql"
}

resource "azurerm_mssql_database" "empty_dynamic" {
  name      = "scratch"
  server_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql"
  dynamic "long_term_retention_policy" { # expect: TF-016
    for_each = []
    content {
      weekly_retention = "P1W"
    }
  }
}
