resource "aws_network_acl" "open" {
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 22
    to_port    = 22
    cidr_block = "0.0.0.0/0" # expect: TF-006
  }

  # A deny for a different port does not help.
  ingress {
    rule_no    = 90
    action     = "deny"
    protocol   = "tcp"
    from_port  = 23
    to_port    = 23
    cidr_block = "0.0.0.0/0"
  }

  # A deny numbered after the allow is never reached for these ports.
  ingress {
    rule_no         = 110
    action          = "allow"
    protocol        = "-1"
    from_port       = 0
    to_port         = 0
    ipv6_cidr_block = "::/0" # expect: TF-006
  }

  ingress {
    rule_no         = 120
    action          = "deny"
    protocol        = "-1"
    from_port       = 0
    to_port         = 0
    ipv6_cidr_block = "::/0"
  }
}

resource "aws_network_acl_rule" "rdp" {
  network_acl_id = "acl-fail-standalone"
  rule_number    = 100
  rule_action    = "allow"
  protocol       = "6"
  from_port      = 3389
  to_port        = 3389
  cidr_block     = "0.0.0.0/0" # expect: TF-006
}
