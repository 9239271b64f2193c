# var.public has no default: whether the instance is public is unknown.
# expect-unknown: TF-008
variable "public" {
  type = bool
}

resource "aws_db_instance" "unknown" {
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 7
  publicly_accessible     = var.public
}
