# Whether this is a replica (N/A) or a primary without backups depends on var.source_db,
# which has no default: Unknown, never a silent pass.
# expect-unknown: TF-017
variable "source_db" {
  type = string
}

resource "aws_db_instance" "maybe_replica" {
  replicate_source_db = var.source_db
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
}
