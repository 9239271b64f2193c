# Attribute syntax read like blocks: nothing sensitive is open.
resource "aws_security_group" "attribute_list" {
  name = "attribute-list"

  ingress = [
    {
      description      = "https"
      from_port        = 443
      to_port          = 443
      protocol         = "tcp"
      cidr_blocks      = ["0.0.0.0/0"]
      ipv6_cidr_blocks = ["::/0"]
      prefix_list_ids  = []
      security_groups  = []
      self             = false
    },
    {
      description      = "ssh from the office"
      from_port        = 22
      to_port          = 22
      protocol         = "tcp"
      cidr_blocks      = ["203.0.113.0/24"]
      ipv6_cidr_blocks = []
      prefix_list_ids  = []
      security_groups  = []
      self             = false
    },
  ]
}

# An empty list removes every rule.
resource "aws_security_group" "no_rules" {
  name    = "no-rules"
  ingress = []
}
