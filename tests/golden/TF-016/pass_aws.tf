resource "aws_db_instance" "orders" {
  engine                    = "postgres"
  instance_class            = "db.t4g.medium"
  final_snapshot_identifier = "orders-final"
  delete_automated_backups  = false
}

resource "aws_rds_cluster" "aurora" {
  engine                    = "aurora-postgresql"
  skip_final_snapshot       = false
  final_snapshot_identifier = "aurora-${var.env}-final"
}

variable "env" {
  type = string
}

resource "random_id" "snap" {
  byte_length = 4
}

resource "aws_docdb_cluster" "docs" {
  final_snapshot_identifier = "docs-${random_id.snap.hex}"
}

resource "aws_neptune_cluster" "graph" {
  final_snapshot_identifier = random_id.snap.hex
}

variable "snapshot_name" {
  default = "warehouse-final"
}

resource "aws_redshift_cluster" "warehouse" {
  cluster_identifier        = "warehouse"
  node_type                 = "ra3.xlplus"
  skip_final_snapshot       = "false"
  final_snapshot_identifier = var.snapshot_name
}

resource "aws_elasticache_replication_group" "cache_with_snapshot" {
  replication_group_id      = "cache"
  description               = "cache"
  final_snapshot_identifier = "cache-final"
}

# A read replica takes no final snapshot: its source holds the data. No item.
resource "aws_db_instance" "replica" {
  replicate_source_db = aws_db_instance.orders.identifier
  instance_class      = "db.t4g.medium"
  skip_final_snapshot = true
}

variable "source_db" {
  default = "orders"
}

resource "aws_db_instance" "replica_by_variable" {
  replicate_source_db = var.source_db
  instance_class      = "db.t4g.medium"
  skip_final_snapshot = true
}

# count = 0: no item.
resource "aws_db_instance" "disabled" {
  count               = 0
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  skip_final_snapshot = true
}
