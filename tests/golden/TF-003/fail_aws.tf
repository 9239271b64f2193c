resource "aws_backup_vault" "main" { # expect: TF-003
  name = "main"
}

resource "aws_db_instance" "plain" { # expect: TF-003
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}

resource "aws_db_instance" "off" {
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 14
  storage_encrypted       = false # expect: TF-003
}

resource "aws_rds_cluster" "aurora" { # expect: TF-003
  engine                  = "aurora-postgresql"
  backup_retention_period = 7
}

resource "aws_db_instance_automated_backups_replication" "dr" { # expect: TF-003
  source_db_instance_arn = "arn:aws:rds:us-east-1:123456789012:db:orders"
}

resource "aws_dlm_lifecycle_policy" "snapshots" {
  description        = "daily"
  execution_role_arn = "arn:aws:iam::123456789012:role/dlm"
  policy_details {
    resource_types = ["VOLUME"]
    schedule {
      name = "daily"
      create_rule {
        interval = 24
      }
      retain_rule {
        count = 14
      }
      cross_region_copy_rule {
        target    = "us-west-2"
        encrypted = false # expect: TF-003
      }
    }
  }
}

resource "aws_dlm_lifecycle_policy" "events" {
  description        = "copy shared snapshots"
  execution_role_arn = "arn:aws:iam::123456789012:role/dlm"
  policy_details {
    policy_type = "EVENT_BASED_POLICY"
    action {
      name = "copy"
      cross_region_copy { # expect: TF-003
        target = "us-west-2"
        retain_rule {
          interval      = 7
          interval_unit = "DAYS"
        }
      }
    }
  }
}

resource "aws_ebs_snapshot_copy" "copy" { # expect: TF-003
  source_snapshot_id = "snap-0123456789abcdef0"
  source_region      = "us-west-2"
}

variable "fail_backup_encryption" {
  default = false
}

resource "aws_db_instance" "from_variable" {
  engine            = "mysql"
  instance_class    = "db.t4g.medium"
  storage_encrypted = var.fail_backup_encryption # expect: TF-003
}
