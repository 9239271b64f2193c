# The condition does not resolve and the branches disagree: unknown.
# expect-unknown: TF-008
variable "environment" {
  type = string
}

resource "azurerm_mssql_server" "conditional" {
  name                          = "sql-conditional"
  resource_group_name           = "rg"
  location                      = "westeurope"
  version                       = "12.0"
  public_network_access_enabled = var.environment == "prod" ? false : true
}
