# Attribute syntax ("attributes as blocks"): each object of the list is a rule (issue 17).
resource "aws_security_group" "attribute_list" {
  name = "attribute-list"

  ingress = [ # expect: TF-006
    {
      description      = "ssh from anywhere"
      from_port        = 22
      to_port          = 22
      protocol         = "tcp"
      cidr_blocks      = ["0.0.0.0/0"]
      ipv6_cidr_blocks = []
      prefix_list_ids  = []
      security_groups  = []
      self             = false
    },
    {
      description      = "https"
      from_port        = 443
      to_port          = 443
      protocol         = "tcp"
      cidr_blocks      = ["0.0.0.0/0"]
      ipv6_cidr_blocks = []
      prefix_list_ids  = []
      security_groups  = []
      self             = false
    },
  ]
}

# The list comes from a variable with a default: resolved, then read like blocks.
variable "rules" {
  default = [
    {
      from_port   = 0
      to_port     = 0
      protocol    = "-1"
      cidr_blocks = ["0.0.0.0/0"]
    },
  ]
}

resource "aws_security_group" "attribute_list_variable" {
  name    = "attribute-list-variable"
  ingress = var.rules # expect: TF-006
}

resource "aws_network_acl" "attribute_list" {
  vpc_id = "vpc-0123456789abcdef0"
  ingress = [ # expect: TF-006
    {
      rule_no    = 100
      action     = "allow"
      protocol   = "tcp"
      from_port  = 3389
      to_port    = 3389
      cidr_block = "0.0.0.0/0"
    },
  ]
}

resource "azurerm_network_security_group" "attribute_list" {
  name                = "attribute-list"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule = [ # expect: TF-006
    {
      name                       = "ssh"
      priority                   = 100
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = "22"
      source_address_prefix      = "Internet"
      destination_address_prefix = "*"
    },
  ]
}
