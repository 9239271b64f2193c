# var.ssh_sources has no default: the source of an SSH rule is unknown.
# expect-unknown: TF-006
variable "ssh_sources" {
  type = list(string)
}

resource "aws_security_group_rule" "ssh_from_variable" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = var.ssh_sources
  security_group_id = "sg-0123456789abcdef0"
}
