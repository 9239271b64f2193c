terraform {
  required_version = "~> 1.9.0"
  backend "s3" {
    bucket         = "acme-state"
    key            = "network/terraform.tfstate"
    region         = "eu-west-1"
    encrypt        = "true"
    kms_key_id     = "alias/terraform-state"
    dynamodb_table = "terraform-locks"
  }
}

provider "aws" {
  region = "eu-west-1"
}
