resource "azurerm_postgresql_server" "default" { # expect: TF-008
  name     = "pg-single"
  sku_name = "GP_Gen5_4"
}

resource "azurerm_mysql_server" "public" {
  name                          = "mysql-single"
  sku_name                      = "GP_Gen5_2"
  public_network_access_enabled = true # expect: TF-008
}

variable "mariadb_public" {
  type = bool
}

resource "azurerm_mariadb_server" "unknown" {
  name                          = "mariadb-single"
  sku_name                      = "GP_Gen5_2"
  public_network_access_enabled = var.mariadb_public # expect-unknown: TF-008
}
