resource "aws_kms_key" "backup" {
  enable_key_rotation = true
}

resource "aws_backup_vault" "main" {
  name        = "main"
  kms_key_arn = aws_kms_key.backup.arn
}

resource "aws_db_instance" "encrypted" {
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  storage_encrypted = true
}

# No automated backups to protect (TF-017 judges the retention).
resource "aws_db_instance" "no_backups" {
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 0
}

# A replica's backups are its source's: N/A.
resource "aws_db_instance" "replica" {
  replicate_source_db = aws_db_instance.encrypted.identifier
  instance_class      = "db.t4g.medium"
}

resource "aws_rds_cluster" "aurora" {
  engine            = "aurora-postgresql"
  storage_encrypted = true
}

resource "aws_rds_cluster" "serverless" {
  engine      = "aurora-mysql"
  engine_mode = "serverless"
}

resource "aws_db_instance_automated_backups_replication" "dr" {
  source_db_instance_arn = aws_db_instance.encrypted.arn
  kms_key_id             = "arn:aws:kms:us-west-2:123456789012:key/12345678-1234-1234-1234-123456789012"
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
        encrypted = true
        cmk_arn   = "arn:aws:kms:us-west-2:123456789012:key/12345678-1234-1234-1234-123456789012"
      }
    }
    target_tags = {
      Backup = "true"
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
      cross_region_copy {
        target = "us-west-2"
        encryption_configuration {
          encrypted = true
        }
        retain_rule {
          interval      = 7
          interval_unit = "DAYS"
        }
      }
    }
  }
}

resource "aws_ebs_snapshot_copy" "copy" {
  source_snapshot_id = "snap-0123456789abcdef0"
  source_region      = "us-west-2"
  encrypted          = true
}

variable "pass_backup_retention" {
  default = 0
}

resource "aws_db_instance" "retention_from_variable" {
  engine                  = "mysql"
  instance_class          = "db.t4g.medium"
  backup_retention_period = var.pass_backup_retention
}

resource "aws_backup_vault" "disabled" {
  count = 0
  name  = "unused"
}
