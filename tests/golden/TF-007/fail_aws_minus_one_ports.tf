# from_port = -1 / to_port = -1 is the "all" spelling: with tcp/udp it is not port 0.
resource "aws_security_group" "minus_one_tcp" {
  name   = "minus-one-tcp"
  vpc_id = "vpc-0123456789abcdef0"
  ingress {
    from_port   = -1
    to_port     = -1
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]  # expect: TF-007
  }
}

resource "aws_security_group_rule" "minus_one_udp" {
  type              = "ingress"
  security_group_id = "sg-0123456789abcdef0"
  from_port         = -1
  to_port           = -1
  protocol          = "udp"
  cidr_blocks       = ["0.0.0.0/0"]  # expect: TF-007
}

resource "aws_vpc_security_group_ingress_rule" "minus_one" {
  security_group_id = "sg-0123456789abcdef0"
  cidr_ipv4         = "0.0.0.0/0"  # expect: TF-007
  from_port         = -1
  to_port           = -1
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "minus_one" {
  security_group_id = "sg-0123456789abcdef0"
  cidr_ipv4         = "0.0.0.0/0"  # expect: TF-007
  from_port         = -1
  to_port           = -1
  ip_protocol       = "tcp"
}
