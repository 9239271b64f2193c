resource "aws_security_group" "wide_open" {
  name = "wide-open"

  # protocol -1: every protocol and port, whatever from/to say.
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"] # expect: TF-007
  }

  # Every TCP port over IPv6.
  ingress {
    from_port        = 0
    to_port          = 65535
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"] # expect: TF-007
  }

  # Port 0 is reserved: 1-65535 is every port too.
  ingress {
    from_port   = 1
    to_port     = 65535
    protocol    = "udp"
    cidr_blocks = ["0.0.0.0/0"] # expect: TF-007
  }

  # Unrestricted egress (medium).
  egress {
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"] # expect: TF-007
    ipv6_cidr_blocks = ["::/0"] # expect: TF-007
  }
}

# Attribute syntax is read like blocks.
resource "aws_security_group" "attribute_list" {
  name = "attribute-list"
  ingress = [ # expect: TF-007
    {
      description      = "everything"
      from_port        = 0
      to_port          = 0
      protocol         = "all"
      cidr_blocks      = ["0.0.0.0/0"]
      ipv6_cidr_blocks = []
      prefix_list_ids  = []
      security_groups  = []
      self             = false
    },
  ]
  egress = [ # expect: TF-007
    {
      description      = "everything out"
      from_port        = 0
      to_port          = 0
      protocol         = "-1"
      cidr_blocks      = ["0.0.0.0/0"]
      ipv6_cidr_blocks = []
      prefix_list_ids  = []
      security_groups  = []
      self             = false
    },
  ]
}

# A protocol from a variable's default is resolved.
variable "any_protocol" {
  default = "-1"
}

resource "aws_security_group" "resolved" {
  name = "resolved"
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = var.any_protocol
    cidr_blocks = ["0.0.0.0/0"] # expect: TF-007
  }
}
