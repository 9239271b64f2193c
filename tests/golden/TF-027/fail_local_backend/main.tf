terraform {
  required_version = ">= 1.6"
  backend "local" { # expect: TF-027
    path = "state/terraform.tfstate"
  }
}

provider "aws" {
  region = "eu-west-1"
}
