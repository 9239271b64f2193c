terraform {
  required_version = ">= 1.6"
  backend "s3" {
    bucket       = "acme-state"
    key          = "network/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = false # expect: TF-027
    use_lockfile = false # expect: TF-027
  }
}

provider "aws" {
  region = "eu-west-1"
}
