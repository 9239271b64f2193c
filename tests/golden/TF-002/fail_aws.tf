resource "aws_db_instance" "plain" { # expect: TF-002
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}

resource "aws_db_instance" "off" {
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  storage_encrypted = false # expect: TF-002
}

resource "aws_rds_cluster" "aurora" { # expect: TF-002
  engine = "aurora-postgresql"
}

resource "aws_rds_cluster" "provisioned" {
  engine            = "aurora-mysql"
  engine_mode       = "provisioned"
  storage_encrypted = "false" # expect: TF-002
}

resource "aws_ebs_volume" "data" { # expect: TF-002
  availability_zone = "eu-west-1a"
  size              = 100
}

resource "aws_ebs_volume" "off" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = false # expect: TF-002
}

# No root_block_device: the root volume is the AMI's, usually unencrypted.
resource "aws_instance" "no_root" { # expect: TF-002
  ami           = "ami-12345678"
  instance_type = "t3.micro"
}

resource "aws_instance" "devices" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  root_block_device { # expect: TF-002
    volume_size = 20
  }
  ebs_block_device {
    device_name = "/dev/sdf"
    encrypted   = false # expect: TF-002
  }
}

resource "aws_launch_configuration" "legacy" {
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = false # expect: TF-002
  }
}

resource "aws_launch_template" "no_mappings" { # expect: TF-002
  image_id = "ami-12345678"
}

resource "aws_launch_template" "mapping" {
  image_id = "ami-12345678"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      encrypted = "false" # expect: TF-002
    }
  }
}

resource "aws_efs_file_system" "shared" { # expect: TF-002
}

resource "aws_elasticache_replication_group" "redis" { # expect: TF-002
  replication_group_id = "cache"
  description          = "cache"
  engine               = "redis"
}

resource "aws_elasticache_replication_group" "valkey_off" {
  replication_group_id       = "valkey"
  description                = "valkey"
  engine                     = "valkey"
  at_rest_encryption_enabled = false # expect: TF-002
}

resource "aws_sqs_queue" "off" {
  sqs_managed_sse_enabled = false # expect: TF-002
}

# Absent: SSE-SQS is on for new queues, so this is only low.
resource "aws_sqs_queue" "implicit" { # expect: TF-002
  name = "jobs"
}

resource "aws_sns_topic" "events" { # expect: TF-002
  name = "events"
}
