resource "aws_security_group" "open_admin" {
  name = "open-admin"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"] # expect: TF-006
  }

  # A range that contains 3306 and 3389.
  ingress {
    from_port        = 3000
    to_port          = 3400
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"] # expect: TF-006
  }

  # protocol -1 means every port, whatever from/to say.
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"] # expect: TF-006
  }

  ingress {
    from_port        = 0
    to_port          = 65535
    protocol         = "udp"
    cidr_blocks      = ["0.0.0.0/0"] # expect: TF-006
    ipv6_cidr_blocks = ["::/0"] # expect: TF-006
  }
}

resource "aws_default_security_group" "default" {
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    from_port   = 6379
    to_port     = 6379
    protocol    = "6"
    cidr_blocks = ["0.0.0.0/0"] # expect: TF-006
  }
}
