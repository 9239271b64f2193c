resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  username       = "orders"
  password       = "Tr0ub4dor-and-3" # expect: TF-011
}

resource "aws_rds_cluster" "analytics" {
  engine          = "aurora-postgresql"
  master_username = "analytics"
  master_password = "x9Kd2mQ7vL4pZ8wR" # expect: TF-011
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  description          = "sessions"
  auth_token           = "9fT3kQ8zL2mV6wXr4bN7pD1s" # expect: TF-011
}

resource "aws_ssm_parameter" "api" {
  name  = "/app/api-key"
  type  = "SecureString"
  value = "k8Zq3vT9mL2xW7pR5nB1" # expect: TF-011
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = "db"
  secret_string = jsonencode({ password = "p4Ss-W0rd-9zQ" }) # expect: TF-011
}

resource "aws_mq_broker" "events" {
  broker_name = "events"
  user {
    username = "admin"
    password = "R4bb1tMQ-pa55w0rd" # expect: TF-011
  }
}

resource "aws_db_instance" "placeholder" {
  engine         = "mysql"
  instance_class = "db.t4g.micro"
  password       = "changeme" # expect: TF-011
}

resource "aws_db_instance" "write_only" {
  engine              = "mysql"
  instance_class      = "db.t4g.micro"
  password_wo         = "Wr1te-0nly-but-l1teral" # expect: TF-011
  password_wo_version = 1
}

resource "aws_instance" "bootstrap" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  user_data     = "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAZ7QXEXAMPLEKEY23\nexport DB_PASSWORD=s3cr3tPassw0rd42\n" # expect: TF-011
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::123456789012:role/worker"
  environment {
    variables = { # expect: TF-011
      API_TOKEN = "tok_8fK2qZ7xL9mV3pW5"
      LOG_LEVEL = "info"
    }
  }
}

resource "aws_ecs_task_definition" "web" {
  family = "web"
  container_definitions = jsonencode([ # expect: TF-011
    {
      name  = "web"
      image = "nginx:1.27"
      environment = [
        { name = "DB_PASSWORD", value = "c0nta1ner-pa55-77" },
        { name = "PORT", value = "8080" },
      ]
    }
  ])
}
