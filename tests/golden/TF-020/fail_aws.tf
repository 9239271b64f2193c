variable "fa_checks_enabled" {
  type    = bool
  default = false
}

resource "aws_lb_target_group" "fa_none" { # expect: TF-020
  name     = "fa-none"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-1"
}

resource "aws_lb_target_group" "fa_disabled" {
  name     = "fa-disabled"
  port     = 8080
  protocol = "HTTPS"
  vpc_id   = "vpc-1"

  health_check {
    enabled = var.fa_checks_enabled # expect: TF-020
    path    = "/healthz"
    matcher = "200"
  }
}

resource "aws_alb_target_group" "fa_no_matcher" {
  name     = "fa-no-matcher"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-1"

  health_check { # expect: TF-020
    path = "/healthz"
  }
}

resource "aws_autoscaling_group" "fa_web" { # expect: TF-020
  max_size          = 3
  min_size          = 1
  target_group_arns = ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1"]
}

resource "aws_autoscaling_group" "fa_attached" {
  name                      = "fa-attached"
  max_size                  = 3
  min_size                  = 1
  health_check_type         = "EC2" # expect: TF-020
  health_check_grace_period = 300
}

resource "aws_autoscaling_attachment" "fa_attached" {
  autoscaling_group_name = aws_autoscaling_group.fa_attached.id
  lb_target_group_arn    = aws_lb_target_group.fa_none.arn
}

resource "aws_ecs_service" "fa_api" { # expect: TF-020
  name = "fa-api"

  load_balancer {
    target_group_arn = aws_lb_target_group.fa_none.arn
    container_name   = "api"
    container_port   = 8080
  }
}

resource "aws_ecs_task_definition" "fa_api" {
  family                = "fa-api"
  container_definitions = local.fa_containers # expect: TF-020
}

locals {
  fa_containers = <<-EOT
    [{"name": "api", "image": "api:1", "essential": true}]
  EOT
}

resource "aws_route53_record" "fa_primary" { # expect: TF-020
  zone_id        = "Z1"
  name           = "api.example.com"
  type           = "A"
  set_identifier = "primary"
  records        = ["10.0.0.1"]
  ttl            = 60

  failover_routing_policy {
    type = "PRIMARY"
  }
}
