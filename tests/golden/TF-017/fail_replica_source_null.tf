# A reusable module's primary: replicate_source_db = var.x whose default is null is not a
# replica, so it is judged (it used to get no item at all).
variable "replicate_source_db" {
  type    = string
  default = null
}

resource "aws_db_instance" "module_primary" { # expect: TF-017
  replicate_source_db = var.replicate_source_db
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
}

resource "aws_db_instance" "literal_null" {
  replicate_source_db     = null
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 1 # expect: TF-017
}

variable "master" {
  default = null
}

resource "google_sql_database_instance" "module_primary" {
  name                 = "module-primary"
  database_version     = "POSTGRES_15"
  master_instance_name = var.master
  settings { # expect: TF-017
    tier = "db-custom-2-7680"
  }
}
