resource "aws_elasticache_replication_group" "tls" {
  replication_group_id       = "tls"
  description                = "cache"
  transit_encryption_enabled = true
}

resource "aws_db_parameter_group" "pg14_tls" {
  name   = "pg14-tls"
  family = "postgres14"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}

resource "aws_db_instance" "pg14" {
  engine               = "postgres"
  engine_version       = "14.10"
  instance_class       = "db.t4g.micro"
  parameter_group_name = aws_db_parameter_group.pg14_tls.name
}

# PostgreSQL >= 15: the default parameter group already has rds.force_ssl = 1.
resource "aws_db_instance" "pg16_default" {
  engine         = "postgres"
  engine_version = "16.3"
  instance_class = "db.t4g.micro"
}

resource "aws_db_parameter_group" "mysql_tls" {
  name   = "mysql-tls"
  family = "mysql8.0"
  parameter {
    name  = "require_secure_transport"
    value = "ON"
  }
}

resource "aws_db_instance" "mysql" {
  engine               = "mysql"
  engine_version       = "8.0"
  instance_class       = "db.t4g.micro"
  parameter_group_name = "mysql-tls"
}

# Oracle: TLS is an option group matter, not judged here.
resource "aws_db_instance" "oracle" {
  engine         = "oracle-ee"
  instance_class = "db.m5.large"
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = "[]"
  volume {
    name = "data"
    efs_volume_configuration {
      file_system_id     = aws_efs_file_system.data.id
      transit_encryption = "ENABLED"
    }
  }
}

# client_broker defaults to TLS.
resource "aws_msk_cluster" "events" {
  cluster_name           = "events"
  kafka_version          = "3.6.0"
  number_of_broker_nodes = 3
  encryption_info {
    encryption_in_transit {
      in_cluster = true
    }
  }
}

resource "aws_s3_bucket" "tls_only" {
  bucket = "tls-only-bucket"
}

resource "aws_s3_bucket_policy" "tls_only" {
  bucket = aws_s3_bucket.tls_only.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyPlainHTTP"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::tls-only-bucket", "arn:aws:s3:::tls-only-bucket/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_s3_bucket" "tls_only_document" {
  bucket = "tls-only-document"
}

data "aws_iam_policy_document" "deny_http" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::tls-only-document/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "tls_only_document" {
  bucket = aws_s3_bucket.tls_only_document.bucket
  policy = data.aws_iam_policy_document.deny_http.json
}
