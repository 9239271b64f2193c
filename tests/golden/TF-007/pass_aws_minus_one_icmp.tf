# -1/-1 with icmp means every ICMP type, not every port.
resource "aws_security_group" "icmp_all_types" {
  name   = "icmp-all-types"
  vpc_id = "vpc-0123456789abcdef0"
  ingress {
    from_port   = -1
    to_port     = -1
    protocol    = "icmp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# tcp port 0 only (0/0 is not "all" unless the protocol is -1).
resource "aws_security_group_rule" "tcp_port_zero" {
  type              = "ingress"
  security_group_id = "sg-0123456789abcdef0"
  from_port         = 0
  to_port           = 0
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
