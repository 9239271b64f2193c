# replicate_source_db resolves to a value: a replica, N/A.
variable "source_name" {
  default = "orders"
}

resource "aws_db_instance" "replica_by_default" {
  replicate_source_db = var.source_name
  instance_class      = "db.t4g.medium"
}

# Unresolved, but the instance passes as a primary too: no Unknown.
variable "maybe_source" {
  type = string
}

resource "aws_db_instance" "maybe_replica_retained" {
  replicate_source_db     = var.maybe_source
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 14
}
