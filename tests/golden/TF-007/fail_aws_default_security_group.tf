# CIS: the default security group must restrict all traffic, so any rule fails,
# whatever its source.
resource "aws_default_security_group" "default" {
  vpc_id = "vpc-0123456789abcdef0"

  ingress { # expect: TF-007
    protocol  = "-1"
    self      = true
    from_port = 0
    to_port   = 0
  }

  egress { # expect: TF-007
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

# A standalone rule added to the default group.
resource "aws_security_group_rule" "into_default" {
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
  security_group_id = aws_default_security_group.default.id # expect: TF-007
}

resource "aws_default_security_group" "attribute_list" {
  vpc_id  = "vpc-0fedcba9876543210"
  ingress = []
  egress = [ # expect: TF-007
    {
      description      = "out"
      from_port        = 0
      to_port          = 0
      protocol         = "-1"
      cidr_blocks      = ["10.0.0.0/8"]
      ipv6_cidr_blocks = []
      prefix_list_ids  = []
      security_groups  = []
      self             = false
    },
  ]
}
