# The protocol is a variable without a default: whether every port is open is unknown.
# expect-unknown: TF-007
variable "protocol" {
  type = string
}

variable "egress_rules" {
  type = list(any)
}

resource "aws_security_group" "unknown_protocol" {
  name = "unknown-protocol"
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = var.protocol
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress = var.egress_rules
}
