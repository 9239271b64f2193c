terraform {
  required_version = ">= 1.10"
  backend "s3" {
    bucket       = "acme-state"
    key          = "network/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
    access_key   = "AKIAZ7Q3XNM4PLKR2TWD" # expect: TF-027
    secret_key   = "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" # expect: TF-027
  }
}

provider "aws" {
  region = "eu-west-1"
}
