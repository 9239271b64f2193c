terraform {
  required_version = ">= 1.3"
  backend "remote" {
    organization = "acme"
    workspaces {
      prefix = "network-"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}
