resource "aws_security_group_rule" "postgres_world" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"] # expect: TF-006
  security_group_id = "sg-0123456789abcdef0"
}

resource "aws_security_group_rule" "all_traffic" {
  type              = "ingress"
  from_port         = 0
  to_port           = 0
  protocol          = "all"
  ipv6_cidr_blocks  = ["::/0"] # expect: TF-006
  security_group_id = "sg-0123456789abcdef0"
}

resource "aws_vpc_security_group_ingress_rule" "ssh_v4" {
  security_group_id = "sg-0123456789abcdef0"
  cidr_ipv4         = "0.0.0.0/0" # expect: TF-006
  from_port         = 22
  to_port           = 22
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_ingress_rule" "everything_v6" {
  security_group_id = "sg-0123456789abcdef0"
  cidr_ipv6         = "::/0" # expect: TF-006
  ip_protocol       = "-1"
}

# Values resolved through a variable default and a local.
variable "admin_cidr" {
  default = "0.0.0.0/0"
}

locals {
  kube_port = 6443
}

resource "aws_security_group_rule" "kube_api" {
  type              = "ingress"
  from_port         = local.kube_port
  to_port           = local.kube_port
  protocol          = "tcp"
  cidr_blocks       = [var.admin_cidr] # expect: TF-006
  security_group_id = "sg-0123456789abcdef0"
}
