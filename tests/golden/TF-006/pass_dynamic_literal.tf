# for_each resolves to a literal list: the dynamic block expands to ports 80 and 443 only.
locals {
  public_ports = [80, 443]
}

resource "aws_security_group" "dynamic_public" {
  name = "dynamic-public"

  dynamic "ingress" {
    for_each = local.public_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  dynamic "ingress" {
    for_each = { admin = 22 }
    iterator = rule
    content {
      from_port   = rule.value
      to_port     = rule.value
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/8"]
    }
  }
}
