# With tf.dynamic_worst_case = false (sibling .toml) the same rule is UNKNOWN.
# expect-unknown: TF-007
variable "unknown_ports" {
  type = list(number)
}

resource "aws_security_group" "dynamic_unknown" {
  name = "dynamic-unknown"

  dynamic "ingress" {
    for_each = var.unknown_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
