variable "environment" {
  default = "prod"
}

resource "aws_db_instance" "single_az" { # expect: TF-019
  engine         = "postgres"
  instance_class = "db.r6g.large"
  tags           = { env = var.environment }
}

resource "aws_db_instance" "off" {
  engine         = "mysql"
  instance_class = "db.r6g.large"
  multi_az       = false # expect: TF-019
  tags           = { Environment = "Production" }
}

# One instance: nothing to fail over to.
resource "aws_rds_cluster" "one_instance" { # expect: TF-019
  cluster_identifier = "one"
  engine             = "aurora-postgresql"
  tags               = { Environment = "prod" }
}

resource "aws_rds_cluster_instance" "one_instance" {
  cluster_identifier = aws_rds_cluster.one_instance.id
  instance_class     = "db.r6g.large"
}

resource "aws_rds_cluster" "no_instances" { # expect: TF-019
  cluster_identifier = "none"
  engine             = "aurora-mysql"
  tags               = { Environment = "prod" }
}

resource "aws_elasticache_replication_group" "single_node" { # expect: TF-019
  replication_group_id = "single"
  description          = "single"
  tags                 = { Environment = "prod" }
}

resource "aws_elasticache_replication_group" "no_replica" {
  replication_group_id       = "noreplica"
  description                = "noreplica"
  automatic_failover_enabled = true
  multi_az_enabled           = true
  num_cache_clusters         = 1 # expect: TF-019
  tags                       = { Environment = "prod" }
}

# A module primary (replicate_source_db resolves to null) is judged.
variable "source_db" {
  default = null
}

resource "aws_db_instance" "module_primary" { # expect: TF-019
  replicate_source_db = var.source_db
  engine              = "postgres"
  instance_class      = "db.r6g.large"
  tags                = { Environment = "prod" }
}
