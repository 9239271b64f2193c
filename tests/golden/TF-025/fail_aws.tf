resource "aws_db_instance" "fa_db" {
  engine                     = "postgres"
  instance_class             = "db.t4g.micro"
  auto_minor_version_upgrade = false # expect: TF-025
}

resource "aws_elasticache_cluster" "fa_cache" {
  cluster_id                 = "fa-cache"
  engine                     = "redis"
  auto_minor_version_upgrade = "false" # expect: TF-025
}

resource "aws_eks_cluster" "fa_old" {
  name     = "fa-old"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.29" # expect: TF-025
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}

resource "aws_eks_cluster" "fa_ancient" {
  name     = "fa-ancient"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.21" # expect: TF-025
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}

resource "aws_mq_broker" "fa_mq" { # expect: TF-025
  broker_name        = "fa-mq"
  engine_type        = "ActiveMQ"
  engine_version     = "5.18"
  host_instance_type = "mq.t3.micro"
}

resource "aws_opensearch_domain" "fa_search" { # expect: TF-025
  domain_name = "fa-search"
}
