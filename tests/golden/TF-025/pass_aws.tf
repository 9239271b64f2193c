variable "pa_eks_version" {
  type    = string
  default = "1.34"
}

resource "aws_db_instance" "pa_db" {
  engine         = "postgres"
  instance_class = "db.t4g.micro"
}

resource "aws_rds_cluster_instance" "pa_aurora" {
  cluster_identifier         = "pa-aurora"
  instance_class             = "db.r6g.large"
  auto_minor_version_upgrade = true
}

resource "aws_elasticache_replication_group" "pa_cache" {
  replication_group_id = "pa-cache"
  description          = "cache"
}

resource "aws_eks_cluster" "pa_eks" {
  name     = "pa-eks"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = var.pa_eks_version
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}

resource "aws_mq_broker" "pa_mq" {
  broker_name                = "pa-mq"
  engine_type                = "RabbitMQ"
  engine_version             = "3.13"
  host_instance_type         = "mq.t3.micro"
  auto_minor_version_upgrade = true
}

resource "aws_opensearch_domain" "pa_search" {
  domain_name = "pa-search"
  software_update_options {
    auto_software_update_enabled = true
  }
}
