variable "db_password" {
  type      = string
  sensitive = true
  default   = "v4r-D3fault-P4ss" # expect: TF-011
}

variable "api_token" { # expect: TF-011
  type = string
}

variable "admin_password" { # expect: TF-011
  type      = string
  sensitive = true
}

resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  password       = var.db_password # expect: TF-011
}

resource "azurerm_mssql_server" "sql" {
  name                         = "acme-sql"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.admin_password # expect: TF-011
}
