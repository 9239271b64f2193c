# expect-unknown: TF-016
variable "final_name" {
  type = string
}

# A variable without default may be null.
resource "aws_rds_cluster" "unknown_identifier" {
  engine                    = "aurora-postgresql"
  final_snapshot_identifier = var.final_name
}

# Whether this is a replica (exempt) depends on var.maybe_source, which has no default.
variable "maybe_source" {
  type = string
}

resource "aws_db_instance" "maybe_replica" {
  replicate_source_db      = var.maybe_source
  engine                   = "postgres"
  instance_class           = "db.t4g.medium"
  skip_final_snapshot      = true
  delete_automated_backups = false
}

# ... but a setting that passes either way is not Unknown.
resource "aws_db_instance" "maybe_replica_fine" {
  replicate_source_db       = var.maybe_source
  engine                    = "postgres"
  instance_class            = "db.t4g.medium"
  final_snapshot_identifier = "fine-final"
  delete_automated_backups  = false
}
