resource "aws_db_instance" "skips" {
  engine                   = "postgres"
  instance_class           = "db.t4g.medium"
  skip_final_snapshot      = true # expect: TF-016
  delete_automated_backups = false
}

# No final_snapshot_identifier: destroy fails, then someone sets skip_final_snapshot.
resource "aws_rds_cluster" "no_identifier" { # expect: TF-016
  engine = "aurora-mysql"
}

resource "aws_docdb_cluster" "empty_identifier" {
  final_snapshot_identifier = "" # expect: TF-016
}

variable "skip" {
  default = true
}

resource "aws_neptune_cluster" "skip_from_variable" {
  skip_final_snapshot       = var.skip # expect: TF-016
  final_snapshot_identifier = "graph-final"
}

# Whatever var.skip_unknown is, the outcome is bad: no identifier.
variable "skip_unknown" {
  type = bool
}

resource "aws_redshift_cluster" "no_identifier" { # expect: TF-016
  cluster_identifier  = "warehouse"
  node_type           = "ra3.xlplus"
  skip_final_snapshot = var.skip_unknown
}

# low: automated backups are purged on delete (default true)
resource "aws_db_instance" "purges_backups" { # expect: TF-016
  engine                    = "postgres"
  instance_class            = "db.t4g.medium"
  final_snapshot_identifier = "purges-final"
}

resource "aws_db_instance" "purges_backups_explicitly" {
  engine                    = "postgres"
  instance_class            = "db.t4g.medium"
  final_snapshot_identifier = "purges2-final"
  delete_automated_backups  = true # expect: TF-016
}

# low: no final snapshot for the cache
resource "aws_elasticache_replication_group" "cache" { # expect: TF-016
  replication_group_id = "cache"
  description          = "cache"
}

# One instance of a literal for_each skips the snapshot.
resource "aws_rds_cluster" "per_tenant" {
  for_each                  = { a = false, b = true }
  engine                    = "aurora-postgresql"
  skip_final_snapshot       = each.value # expect: TF-016
  final_snapshot_identifier = "tenant-${each.key}-final"
}

# replicate_source_db resolves to null: a primary, judged as one (issue 17).
variable "replica_source" {
  default = null
}

resource "aws_db_instance" "primary_of_module" {
  replicate_source_db      = var.replica_source
  engine                   = "postgres"
  instance_class           = "db.t4g.medium"
  skip_final_snapshot      = true # expect: TF-016
  delete_automated_backups = false
}
