# Retention at or above the 7-day minimum on every AWS stateful service.
resource "aws_db_instance" "orders" {
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 14
}

# A read replica is backed up through its source instance: N/A.
resource "aws_db_instance" "orders_replica" {
  replicate_source_db = aws_db_instance.orders.identifier
  instance_class      = "db.t4g.medium"
}

resource "aws_rds_cluster" "ledger" {
  engine                  = "aurora-postgresql"
  backup_retention_period = 7
}

resource "aws_docdb_cluster" "catalog" {
  backup_retention_period = "35" # numeric strings are converted by Terraform
}

resource "aws_dynamodb_table" "sessions" {
  name     = "sessions"
  hash_key = "id"

  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id     = "cache"
  description              = "session cache"
  snapshot_retention_limit = 1
}

resource "aws_efs_file_system" "shared" {
  creation_token = "shared"
}

resource "aws_efs_backup_policy" "shared" {
  file_system_id = aws_efs_file_system.shared.id

  backup_policy {
    status = "ENABLED"
  }
}

resource "aws_efs_file_system" "uploads" {
  creation_token = "uploads"
}

resource "aws_backup_plan" "daily" {
  name = "daily"
  rule {
    rule_name         = "daily"
    target_vault_name = "default"
    schedule          = "cron(0 3 * * ? *)"
  }
}

resource "aws_backup_selection" "uploads" {
  name         = "uploads"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  plan_id      = aws_backup_plan.daily.id
  resources    = [aws_efs_file_system.uploads.arn]
}

resource "aws_efs_file_system" "media" {
  creation_token = "media"
  tags = {
    backup = "daily"
  }
}

resource "aws_backup_selection" "tagged" {
  name         = "tagged"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  plan_id      = aws_backup_plan.daily.id

  selection_tag {
    type  = "STRINGEQUALS"
    key   = "backup"
    value = "daily"
  }
}

# count = 0: the resource does not exist, so no item is generated.
resource "aws_db_instance" "disabled" {
  count          = 0
  engine         = "mysql"
  instance_class = "db.t4g.micro"
}

resource "aws_neptune_cluster" "graph_ok" {
  cluster_identifier      = "graph-ok"
  engine                  = "neptune"
  backup_retention_period = 7
}
