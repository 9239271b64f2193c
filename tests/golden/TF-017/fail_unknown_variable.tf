# var.retention_days has no default: cannot be checked statically.
# expect-unknown: TF-017
variable "retention_days" {
  type = number
}

resource "aws_db_instance" "unknown_retention" {
  engine                  = "postgres"
  instance_class          = "db.t4g.micro"
  backup_retention_period = var.retention_days
}
