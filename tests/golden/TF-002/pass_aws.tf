resource "aws_db_instance" "encrypted" {
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  storage_encrypted = true
}

# A read replica inherits the source's encryption: N/A.
resource "aws_db_instance" "replica" {
  replicate_source_db = aws_db_instance.encrypted.identifier
  instance_class      = "db.t4g.medium"
}

resource "aws_db_instance" "literal_replica" {
  replicate_source_db = "orders-primary"
  instance_class      = "db.t4g.medium"
}

resource "aws_rds_cluster" "aurora" {
  engine            = "aurora-postgresql"
  storage_encrypted = "true"
}

# Aurora Serverless v1 is always encrypted.
resource "aws_rds_cluster" "serverless" {
  engine      = "aurora-mysql"
  engine_mode = "serverless"
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
}

resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = true
  }
  ebs_block_device {
    device_name = "/dev/sdf"
    encrypted   = true
  }
}

# The disks come from the launch template, judged on its own.
resource "aws_instance" "from_template" {
  launch_template {
    id = aws_launch_template.web.id
  }
}

resource "aws_launch_template" "web" {
  image_id = "ami-12345678"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      encrypted   = "true"
      volume_size = 20
    }
  }
  # instance store: no EBS
  block_device_mappings {
    device_name  = "/dev/sdb"
    virtual_name = "ephemeral0"
  }
}

resource "aws_efs_file_system" "shared" {
  encrypted = true
}

resource "aws_elasticache_replication_group" "redis" {
  replication_group_id       = "cache"
  description                = "cache"
  at_rest_encryption_enabled = true
}

# Valkey is encrypted at rest by default.
resource "aws_elasticache_replication_group" "valkey" {
  replication_group_id = "valkey"
  description          = "valkey"
  engine               = "valkey"
}

resource "aws_sqs_queue" "sse_sqs" {
  sqs_managed_sse_enabled = true
}

resource "aws_sqs_queue" "kms" {
  kms_master_key_id = aws_kms_key.main.arn
}

resource "aws_sns_topic" "events" {
  kms_master_key_id = "alias/aws/sns"
}

# Without tf.require_cmk, S3 and DynamoDB are N/A (encrypted by default).
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

resource "aws_dynamodb_table" "sessions" {
  name     = "sessions"
  hash_key = "id"
}

resource "aws_kms_key" "main" {
  enable_key_rotation = true
}

# count = 0: no instance, no item.
resource "aws_ebs_volume" "disabled" {
  count             = 0
  availability_zone = "eu-west-1a"
  size              = 10
}

# Aurora Serverless v1 is always encrypted: storage_encrypted = false cannot turn it off.
resource "aws_rds_cluster" "serverless_v1" {
  cluster_identifier = "serverless-v1"
  engine             = "aurora-mysql"
  engine_mode        = "serverless"
  storage_encrypted  = false
}
