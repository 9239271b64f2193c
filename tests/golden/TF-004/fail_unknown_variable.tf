# var.unknown_tls_policy has no default: cannot be checked statically.
# expect-unknown: TF-004
variable "unknown_tls_policy" {
  type = string
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.unknown_tls_policy
  certificate_arn   = aws_acm_certificate.web.arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
