resource "aws_security_group" "app" {
  name = "app"
}

resource "aws_security_group_rule" "all_in" {
  type              = "ingress"
  from_port         = 0
  to_port           = 65535
  protocol          = "all"
  cidr_blocks       = ["0.0.0.0/0"] # expect: TF-007
  security_group_id = aws_security_group.app.id
}

resource "aws_security_group_rule" "all_out" {
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"] # expect: TF-007
  security_group_id = aws_security_group.app.id
}

resource "aws_vpc_security_group_ingress_rule" "all_in" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0" # expect: TF-007
}

resource "aws_vpc_security_group_egress_rule" "all_out_v6" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0" # expect: TF-007
}
