provider "aws" {
  region                   = "eu-west-1"
  profile                  = "deploy"
  shared_credentials_files = ["~/.aws/credentials"]
  assume_role {
    role_arn = "arn:aws:iam::123456789012:role/terraform"
  }
}

provider "google" {
  project     = "acme"
  credentials = "keys/not-committed.json"
}

provider "github" {
  owner = "acme"
  token = var.github_token
}

variable "github_token" {
  type      = string
  sensitive = true
}
