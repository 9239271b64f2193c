# for_each cannot be resolved, the ports come from the iterator, but the source is a
# literal 0.0.0.0/0: "dynamic ports, assumed worst case" (tf.dynamic_worst_case = true).
variable "exposed_ports" {
  type = list(number)
}

resource "aws_security_group" "dynamic_open" {
  name = "dynamic-open"

  dynamic "ingress" {
    for_each = var.exposed_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"] # expect: TF-006
    }
  }
}

# A literal for_each expands: the 22 entry fails, the 443 entry passes.
resource "aws_security_group" "dynamic_expanded" {
  name = "dynamic-expanded"

  dynamic "ingress" {
    for_each = [443, 22]
    content {
      from_port        = ingress.value
      to_port          = ingress.value
      protocol         = "tcp"
      ipv6_cidr_blocks = ["::/0"] # expect: TF-006
    }
  }
}
