locals {
  prod = { Environment = "production" }
}

resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.r6g.large"
  multi_az       = true
  tags           = local.prod
}

# Aurora: two instances by count ...
resource "aws_rds_cluster" "aurora" {
  cluster_identifier = "aurora"
  engine             = "aurora-postgresql"
  tags               = local.prod
}

resource "aws_rds_cluster_instance" "aurora" {
  count              = 2
  cluster_identifier = aws_rds_cluster.aurora.id
  instance_class     = "db.r6g.large"
  engine             = aws_rds_cluster.aurora.engine
}

# ... or by separate blocks, linked by the literal identifier.
resource "aws_rds_cluster" "billing" {
  cluster_identifier = "billing"
  engine             = "aurora-mysql"
  tags               = local.prod
}

resource "aws_rds_cluster_instance" "billing_writer" {
  cluster_identifier = "billing"
  instance_class     = "db.r6g.large"
}

resource "aws_rds_cluster_instance" "billing_reader" {
  cluster_identifier = aws_rds_cluster.billing.cluster_identifier
  instance_class     = "db.r6g.large"
}

# A Multi-AZ DB cluster brings its own three instances.
resource "aws_rds_cluster" "multi_az_cluster" {
  cluster_identifier        = "maz"
  engine                    = "postgres"
  db_cluster_instance_class = "db.r6gd.large"
  tags                      = local.prod
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "cache"
  description                = "cache"
  automatic_failover_enabled = true
  multi_az_enabled           = true
  num_cache_clusters         = 2
  tags                       = local.prod
}

# Cluster mode, aws provider v3 spelling.
resource "aws_elasticache_replication_group" "sharded" {
  replication_group_id       = "sharded"
  description                = "sharded"
  automatic_failover_enabled = true
  multi_az_enabled           = true
  tags                       = local.prod
  cluster_mode {
    num_node_groups         = 3
    replicas_per_node_group = 1
  }
}

# Not production (no prod path, no env tag): N/A.
resource "aws_db_instance" "dev" {
  engine         = "postgres"
  instance_class = "db.t4g.micro"
  tags           = { Environment = "dev" }
}

resource "aws_db_instance" "untagged" {
  engine         = "postgres"
  instance_class = "db.t4g.micro"
}

# A read replica is the redundancy of its source: N/A.
resource "aws_db_instance" "replica" {
  replicate_source_db = aws_db_instance.orders.identifier
  instance_class      = "db.r6g.large"
  tags                = local.prod
}
