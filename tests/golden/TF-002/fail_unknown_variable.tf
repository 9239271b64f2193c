# var.unknown_encrypted has no default: cannot be checked statically.
# expect-unknown: TF-002
variable "unknown_encrypted" {
  type = bool
}

resource "aws_db_instance" "unknown" {
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  storage_encrypted = var.unknown_encrypted
}
