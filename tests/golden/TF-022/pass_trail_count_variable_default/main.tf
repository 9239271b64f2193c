# The trail exists: var.create_trail defaults to true.
terraform {
  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "app.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = "eu-west-1"
}
