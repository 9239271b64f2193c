terraform {
  required_version = ">= 1.10"
  backend "s3" {} # expect: TF-027
}

provider "aws" {
  region = "eu-west-1"
}
