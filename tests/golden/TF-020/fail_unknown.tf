variable "fu_protocol" {
  type = string
}

resource "aws_lb_target_group" "fu_api" { # expect-unknown: TF-020
  name     = "fu-api"
  port     = 8080
  protocol = var.fu_protocol
  vpc_id   = "vpc-1"
}

variable "fu_target_groups" {
  type = list(string)
}

resource "aws_autoscaling_group" "fu_web" {
  max_size          = 3
  min_size          = 1
  target_group_arns = var.fu_target_groups
}
