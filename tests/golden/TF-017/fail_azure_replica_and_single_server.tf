# create_mode other than Replica: a primary, judged.
resource "azurerm_postgresql_flexible_server" "restored" { # expect: TF-017
  name        = "pg-restored"
  create_mode = "PointInTimeRestore"
}

variable "mode" {
  type = string
}

# Unknown create_mode: a primary's violations become an Unknown.
# expect-unknown: TF-017
resource "azurerm_mysql_flexible_server" "maybe_replica" {
  name                  = "mysql-maybe"
  create_mode           = var.mode
  backup_retention_days = 3
}

# Deprecated single servers.
resource "azurerm_postgresql_server" "single" { # expect: TF-017
  name     = "pg-single"
  sku_name = "GP_Gen5_4"
}

resource "azurerm_mysql_server" "single" {
  name                         = "mysql-single"
  sku_name                     = "GP_Gen5_2"
  backup_retention_days        = 3 # expect: TF-017
  geo_redundant_backup_enabled = false # expect: TF-017
}
