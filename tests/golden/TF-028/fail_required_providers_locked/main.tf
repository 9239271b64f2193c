# Open-ended, but .terraform.lock.hcl records the selected version: low.
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = { # expect: TF-028
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}
