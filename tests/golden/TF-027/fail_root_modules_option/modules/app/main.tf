terraform { # expect: TF-027
  required_version = ">= 1.6"
}

resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}
