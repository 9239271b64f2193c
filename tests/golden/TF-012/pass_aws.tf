resource "aws_secretsmanager_secret" "by_id" {
  name = "api-token"
}

resource "aws_secretsmanager_secret_rotation" "by_id" {
  secret_id           = aws_secretsmanager_secret.by_id.id
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    automatically_after_days = 30
  }
}

resource "aws_secretsmanager_secret" "by_arn" {
  name = "db-creds"
}

resource "aws_secretsmanager_secret_rotation" "by_arn" {
  secret_id           = aws_secretsmanager_secret.by_arn.arn
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    schedule_expression = "rate(10 days)"
  }
}

# Linked by the literal secret name.
resource "aws_secretsmanager_secret" "by_name" {
  name = "partner-key"
}

resource "aws_secretsmanager_secret_rotation" "by_name" {
  secret_id           = "partner-key"
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    schedule_expression = "cron(0 16 1,15 * ? *)"
  }
}

# Provider v3/v4 inline rotation.
resource "aws_secretsmanager_secret" "inline" {
  name                = "legacy"
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    automatically_after_days = 90
  }
}

# RDS manages and rotates the master password.
resource "aws_db_instance" "managed" {
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  username                    = "app"
  manage_master_user_password = true
}

resource "aws_rds_cluster" "managed" {
  engine                      = "aurora-postgresql"
  master_username             = "app"
  manage_master_user_password = "true"
}

# Rotating the RDS-managed secret on a custom schedule.
resource "aws_secretsmanager_secret_rotation" "rds" {
  secret_id = aws_db_instance.managed.master_user_secret[0].secret_arn
  rotation_rules {
    automatically_after_days = 7
  }
}

# A replica has no master password of its own: N/A.
resource "aws_db_instance" "replica" {
  replicate_source_db = aws_db_instance.managed.identifier
  instance_class      = "db.t4g.medium"
}

resource "aws_secretsmanager_secret" "disabled" {
  count = 0
  name  = "unused"
}
