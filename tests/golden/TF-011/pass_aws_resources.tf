resource "random_password" "db" {
  length  = 32
  special = true
}

data "aws_secretsmanager_secret_version" "api" {
  secret_id = "prod/api"
}

resource "aws_db_instance" "generated" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  password       = random_password.db.result
}

resource "aws_db_instance" "managed" {
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  manage_master_user_password = true
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  description          = "sessions"
  auth_token           = data.aws_secretsmanager_secret_version.api.secret_string
}

resource "aws_ssm_parameter" "plain" {
  name  = "/app/log-level"
  type  = "String"
  value = "info"
}

resource "aws_efs_file_system" "shared" {
  creation_token = "shared-efs-2024"
}

resource "aws_db_instance" "disabled" {
  count          = 0
  engine         = "mysql"
  instance_class = "db.t4g.micro"
  password       = "n0t-cr3ated-at-all"
}

resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  user_data     = <<-EOF
    #!/bin/bash
    export DB_PASSWORD="$(aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text)"
    systemctl start app
  EOF
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::123456789012:role/worker"
  environment {
    variables = {
      API_TOKEN_PARAMETER = "/prod/api-token"
      LOG_LEVEL           = "info"
    }
  }
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id = "db"
  secret_string = jsonencode({
    username = "orders"
    password = random_password.db.result
    host     = "orders.cluster-abc.eu-west-1.rds.amazonaws.com"
  })
}
