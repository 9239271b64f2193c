# tcp with from_port = to_port = -1 reaches every port, SSH and databases included.
resource "aws_security_group_rule" "minus_one_tcp" {
  type              = "ingress"
  security_group_id = "sg-0123456789abcdef0"
  from_port         = -1
  to_port           = -1
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]  # expect: TF-006
}
