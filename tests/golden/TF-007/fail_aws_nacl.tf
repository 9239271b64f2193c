resource "aws_network_acl" "open" {
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0" # expect: TF-007
  }

  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0" # expect: TF-007
  }
}

resource "aws_network_acl" "standalone" {
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_network_acl_rule" "all_in" {
  network_acl_id  = aws_network_acl.standalone.id
  rule_number     = 200
  egress          = false
  protocol        = "-1"
  rule_action     = "allow"
  ipv6_cidr_block = "::/0" # expect: TF-007
}
