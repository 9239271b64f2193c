# transit_encryption_enabled defaults to false.
resource "aws_elasticache_replication_group" "plain" { # expect: TF-005
  replication_group_id = "plain"
  description          = "cache"
}

resource "aws_elasticache_replication_group" "off" {
  replication_group_id       = "off"
  description                = "cache"
  transit_encryption_enabled = false # expect: TF-005
}

# PostgreSQL 14 on the default parameter group (medium).
resource "aws_db_instance" "pg14_default" { # expect: TF-005
  engine         = "postgres"
  engine_version = "14.10"
  instance_class = "db.t4g.micro"
}

resource "aws_db_parameter_group" "pg13_plain" {
  name   = "pg13-plain"
  family = "postgres13"
  parameter {
    name  = "log_connections"
    value = "1"
  }
}

resource "aws_db_instance" "pg13_custom" {
  engine               = "postgres"
  engine_version       = "13"
  instance_class       = "db.t4g.micro"
  parameter_group_name = aws_db_parameter_group.pg13_plain.id # expect: TF-005
}

# PostgreSQL 16 with a group that turns force_ssl off.
resource "aws_db_parameter_group" "pg16_off" {
  name   = "pg16-off"
  family = "postgres16"
  parameter {
    name  = "rds.force_ssl"
    value = "0"
  }
}

resource "aws_db_instance" "pg16_off" {
  engine               = "postgres"
  engine_version       = "16.3"
  instance_class       = "db.t4g.micro"
  parameter_group_name = aws_db_parameter_group.pg16_off.name # expect: TF-005
}

# MySQL without a parameter group (medium).
resource "aws_db_instance" "mysql_default" { # expect: TF-005
  engine         = "mysql"
  engine_version = "8.0"
  instance_class = "db.t4g.micro"
}

resource "aws_db_instance" "mariadb_named_default" {
  engine               = "mariadb"
  instance_class       = "db.t4g.micro"
  parameter_group_name = "default.mariadb10.11" # expect: TF-005
}

resource "aws_ecs_task_definition" "efs_plain" {
  family                = "efs-plain"
  container_definitions = "[]"
  volume {
    name = "data"
    efs_volume_configuration { # expect: TF-005
      file_system_id = aws_efs_file_system.data.id
    }
  }
}

resource "aws_msk_cluster" "plaintext" {
  cluster_name           = "plaintext"
  kafka_version          = "3.6.0"
  number_of_broker_nodes = 3
  encryption_info {
    encryption_in_transit {
      client_broker = "TLS_PLAINTEXT" # expect: TF-005
      in_cluster    = false # expect: TF-005
    }
  }
}

# No bucket policy at all (medium).
resource "aws_s3_bucket" "no_policy" { # expect: TF-005
  bucket = "no-policy-bucket"
}

resource "aws_s3_bucket" "allow_only" { # expect: TF-005
  bucket = "allow-only-bucket"
}

resource "aws_s3_bucket_policy" "allow_only" {
  bucket = "allow-only-bucket"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::allow-only-bucket/*"
    }]
  })
}
