# for_each does not resolve and the ports come from the iterator, but the source is a
# literal 0.0.0.0/0: "dynamic ports, assumed worst case" (tf.dynamic_worst_case = true).
variable "ports" {
  type = list(number)
}

resource "aws_security_group" "dynamic_open" {
  name = "dynamic-open"

  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"] # expect: TF-007
    }
  }
}

# A literal for_each expands: the -1 entry fails, the tcp/443 entry passes.
resource "aws_security_group" "dynamic_expanded" {
  name = "dynamic-expanded"

  dynamic "ingress" {
    for_each = { https = "tcp", all = "-1" }
    content {
      from_port   = 443
      to_port     = 443
      protocol    = ingress.value
      cidr_blocks = ["0.0.0.0/0"] # expect: TF-007
    }
  }
}
