terraform {
  required_version = ">= 1.6"
  backend "s3" { # expect: TF-027
    bucket  = "acme-state"
    key     = "network/terraform.tfstate"
    region  = "eu-west-1"
  }
}

provider "aws" {
  region = "eu-west-1"
}
