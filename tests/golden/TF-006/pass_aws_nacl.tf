resource "aws_network_acl" "public_subnets" {
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "0.0.0.0/0"
  }

  # A lower-numbered deny is evaluated first, so the allow below never matches port 22.
  ingress {
    rule_no    = 50
    action     = "deny"
    protocol   = "tcp"
    from_port  = 22
    to_port    = 22
    cidr_block = "0.0.0.0/0"
  }

  ingress {
    rule_no    = 200
    action     = "allow"
    protocol   = "tcp"
    from_port  = 22
    to_port    = 22
    cidr_block = "0.0.0.0/0"
  }

  ingress {
    rule_no    = 300
    action     = "deny"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
}

resource "aws_network_acl_rule" "deny_rdp_first" {
  network_acl_id = "acl-pass-standalone"
  rule_number    = 10
  rule_action    = "deny"
  protocol       = "tcp"
  from_port      = 3389
  to_port        = 3389
  cidr_block     = "0.0.0.0/0"
}

resource "aws_network_acl_rule" "allow_rdp_later" {
  network_acl_id = "acl-pass-standalone"
  rule_number    = 20
  rule_action    = "allow"
  protocol       = "tcp"
  from_port      = 3389
  to_port        = 3389
  cidr_block     = "0.0.0.0/0"
}

resource "aws_network_acl_rule" "egress_ssh" {
  network_acl_id = "acl-pass-standalone"
  rule_number    = 30
  egress         = true
  rule_action    = "allow"
  protocol       = "tcp"
  from_port      = 22
  to_port        = 22
  cidr_block     = "0.0.0.0/0"
}
