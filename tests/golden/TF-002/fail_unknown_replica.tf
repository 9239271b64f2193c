# Whether this is a replica depends on var.source, which has no default; a replica
# would inherit encryption, a primary would be unencrypted.
# expect-unknown: TF-002
variable "source" {
  type = string
}

resource "aws_db_instance" "maybe_replica" {
  replicate_source_db = var.source
  instance_class      = "db.t4g.medium"
}
