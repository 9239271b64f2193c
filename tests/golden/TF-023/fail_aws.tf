variable "fa_interval" {
  type    = number
  default = 0
}

resource "aws_db_instance" "fa_none" { # expect: TF-023
  engine         = "postgres"
  instance_class = "db.t4g.micro"
}

resource "aws_db_instance" "fa_zero" {
  engine              = "mysql"
  instance_class      = "db.t4g.micro"
  monitoring_interval = var.fa_interval # expect: TF-023
}

resource "aws_db_instance" "fa_no_role" { # expect: TF-023
  engine              = "mysql"
  instance_class      = "db.t4g.micro"
  monitoring_interval = 30
}

resource "aws_ecs_cluster" "fa_off" {
  name = "fa-off"
  setting {
    name  = "containerInsights"
    value = "disabled" # expect: TF-023
  }
}

resource "aws_lb" "fa_web" { # expect: TF-023
  name = "fa-web"
}

resource "aws_alb" "fa_bucket_only" {
  name = "fa-bucket-only"
  access_logs { # expect: TF-023
    bucket = "logs"
  }
}

resource "aws_instance" "fa_vm" { # expect: TF-023
  ami           = "ami-1"
  instance_type = "t3.micro"
}

resource "aws_lambda_function" "fa_fn" {
  function_name = "fa-fn"
  role          = "arn:aws:iam::123456789012:role/fn"
  tracing_config {
    mode = "PassThrough" # expect: TF-023
  }
}
