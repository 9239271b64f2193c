# tf.min_backup_days = 14 (see the sibling .toml).
resource "aws_db_instance" "ten_days" {
  engine                  = "postgres"
  instance_class          = "db.t4g.micro"
  backup_retention_period = 10 # expect: TF-017
}

# The 7-backup service default is below a 14-day minimum.
resource "azurerm_mssql_database" "default_policy" { # expect: TF-017
  name = "default-policy"
}
