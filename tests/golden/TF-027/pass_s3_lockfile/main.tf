terraform {
  required_version = ">= 1.10"
  backend "s3" {
    bucket       = "acme-state"
    key          = "network/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = "eu-west-1"
}
