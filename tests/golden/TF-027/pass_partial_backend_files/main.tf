terraform {
  required_version = ">= 1.10"
  backend "s3" {}
}

provider "aws" {
  region = "eu-west-1"
}
