# Deprecated single servers: public_network_access_enabled defaults to true, so it must be false.
resource "azurerm_postgresql_server" "private" {
  name                          = "pg-single"
  sku_name                      = "GP_Gen5_4"
  public_network_access_enabled = false
}

variable "public_access" {
  default = false
}

resource "azurerm_mysql_server" "private" {
  name                          = "mysql-single"
  sku_name                      = "GP_Gen5_2"
  public_network_access_enabled = var.public_access
}

resource "azurerm_mariadb_server" "private" {
  name                          = "mariadb-single"
  sku_name                      = "GP_Gen5_2"
  public_network_access_enabled = false
}
