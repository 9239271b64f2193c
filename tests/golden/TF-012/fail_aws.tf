resource "aws_secretsmanager_secret" "never" { # expect: TF-012
  name = "api-token"
}

resource "aws_secretsmanager_secret" "slow" {
  name = "slow"
}

resource "aws_secretsmanager_secret_rotation" "slow" {
  secret_id           = aws_secretsmanager_secret.slow.id
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    automatically_after_days = 365 # expect: TF-012
  }
}

resource "aws_secretsmanager_secret" "slow_rate" {
  name = "slow-rate"
}

resource "aws_secretsmanager_secret_rotation" "slow_rate" {
  secret_id           = aws_secretsmanager_secret.slow_rate.arn
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    schedule_expression = "rate(180 days)" # expect: TF-012
  }
}

# The rotation is disabled (count = 0): nothing rotates the secret.
resource "aws_secretsmanager_secret" "rotation_off" { # expect: TF-012
  name = "rotation-off"
}

resource "aws_secretsmanager_secret_rotation" "rotation_off" {
  count     = 0
  secret_id = aws_secretsmanager_secret.rotation_off.id
  rotation_rules {
    automatically_after_days = 30
  }
}

resource "aws_secretsmanager_secret" "inline_slow" {
  name                = "legacy"
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    automatically_after_days = 120 # expect: TF-012
  }
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "static_password" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  username       = "app"
  password       = var.db_password # expect: TF-012
}

resource "aws_rds_cluster" "static_password" {
  engine          = "aurora-postgresql"
  master_username = "app"
  master_password = random_password.db.result # expect: TF-012
}

variable "rotation_days" {
  default = 180
}

resource "aws_secretsmanager_secret" "from_variable" {
  name = "from-variable"
}

resource "aws_secretsmanager_secret_rotation" "from_variable" {
  secret_id = aws_secretsmanager_secret.from_variable.id
  rotation_rules {
    automatically_after_days = var.rotation_days # expect: TF-012
  }
}

variable "nullable_password" {
  default = null
}

# A password variable that resolves to null sets no password: no finding.
resource "aws_db_instance" "null_password" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  password       = var.nullable_password
}
