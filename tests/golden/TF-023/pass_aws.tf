variable "pa_interval" {
  type    = number
  default = 60
}

resource "aws_db_instance" "pa_enhanced" {
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  monitoring_interval = var.pa_interval
  monitoring_role_arn = "arn:aws:iam::123456789012:role/rds-monitoring"
}

resource "aws_db_instance" "pa_insights" {
  engine                       = "postgres"
  instance_class               = "db.t4g.micro"
  performance_insights_enabled = true
}

resource "aws_ecs_cluster" "pa_main" {
  name = "pa-main"
  setting {
    name  = "containerInsights"
    value = "enhanced"
  }
}

resource "aws_lb" "pa_web" {
  name = "pa-web"
  access_logs {
    bucket  = "logs"
    enabled = true
  }
}

# Gateway Load Balancers have no access logs.
resource "aws_lb" "pa_gwlb" {
  name               = "pa-gwlb"
  load_balancer_type = "gateway"
}

resource "aws_instance" "pa_vm" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  monitoring    = true
}

resource "aws_lambda_function" "pa_fn" {
  function_name = "pa-fn"
  role          = "arn:aws:iam::123456789012:role/fn"
  tracing_config {
    mode = "Active"
  }
}

resource "aws_ecs_service" "pa_api" {
  name = "pa-api"
}

# The alert that covers every service of this module.
resource "aws_cloudwatch_metric_alarm" "pa_5xx" {
  alarm_name          = "pa-5xx"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "HTTPCode_Target_5XX_Count"
  namespace           = "AWS/ApplicationELB"
  period              = 60
  statistic           = "Sum"
  threshold           = 10
}
