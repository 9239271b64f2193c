resource "aws_lb_target_group" "pa_api" {
  name     = "pa-api"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-1"

  health_check {
    path    = "/healthz"
    matcher = "200-299"
  }
}

# A TCP health check on an HTTP target group has no path or matcher.
resource "aws_lb_target_group" "pa_tcp_check" {
  name     = "pa-tcp-check"
  port     = 8080
  protocol = "HTTPS"
  vpc_id   = "vpc-1"

  health_check {
    protocol = "TCP"
  }
}

# NLB and Lambda target groups: N/A.
resource "aws_lb_target_group" "pa_nlb" {
  name     = "pa-nlb"
  port     = 5432
  protocol = "TCP"
  vpc_id   = "vpc-1"
}

resource "aws_lb_target_group" "pa_lambda" {
  name        = "pa-lambda"
  target_type = "lambda"
}

resource "aws_autoscaling_group" "pa_web" {
  max_size                  = 3
  min_size                  = 1
  target_group_arns         = [aws_lb_target_group.pa_api.arn]
  health_check_type         = "ELB"
  health_check_grace_period = 120
}

# Not behind a load balancer: N/A.
resource "aws_autoscaling_group" "pa_batch" {
  max_size = 3
  min_size = 0
}

resource "aws_ecs_service" "pa_api" {
  name                              = "pa-api"
  health_check_grace_period_seconds = 60

  load_balancer {
    target_group_arn = aws_lb_target_group.pa_api.arn
    container_name   = "api"
    container_port   = 8080
  }
}

resource "aws_ecs_task_definition" "pa_api" {
  family = "pa-api"
  container_definitions = jsonencode([
    {
      name  = "api"
      image = "api:1"
      healthCheck = {
        command = ["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"]
      }
    },
    {
      name      = "log-router"
      image     = "fluent-bit:3"
      essential = false
    },
  ])
}

resource "aws_route53_record" "pa_primary" {
  zone_id         = "Z1"
  name            = "api.example.com"
  type            = "A"
  set_identifier  = "primary"
  health_check_id = aws_route53_health_check.pa_api.id
  records         = ["10.0.0.1"]
  ttl             = 60

  failover_routing_policy {
    type = "PRIMARY"
  }
}

resource "aws_route53_record" "pa_alias" {
  zone_id        = "Z1"
  name           = "www.example.com"
  type           = "A"
  set_identifier = "primary"

  alias {
    name                   = "lb.example.com"
    zone_id                = "Z2"
    evaluate_target_health = true
  }

  failover_routing_policy {
    type = "PRIMARY"
  }
}

# count = 0: no instance, no item.
resource "aws_lb_target_group" "pa_disabled" {
  count    = 0
  name     = "pa-disabled"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-1"
}

# Resolved through a variable default.
variable "pa_check_type" {
  type    = string
  default = "ELB"
}

resource "aws_autoscaling_group" "pa_resolved" {
  max_size                  = 3
  min_size                  = 1
  load_balancers            = ["classic-lb"]
  health_check_type         = var.pa_check_type
  health_check_grace_period = 60
}
