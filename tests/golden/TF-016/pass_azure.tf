resource "azurerm_mssql_database" "orders" {
  name      = "orders"
  server_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql"
  long_term_retention_policy {
    weekly_retention  = "P4W"
    monthly_retention = "P12M"
  }
}

variable "ltr" {
  default = [{ weekly = "P4W" }]
}

resource "azurerm_mssql_database" "dynamic_ltr" {
  name      = "billing"
  server_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql"
  dynamic "long_term_retention_policy" {
    for_each = var.ltr
    content {
      weekly_retention = long_term_retention_policy.value.weekly
    }
  }
}
