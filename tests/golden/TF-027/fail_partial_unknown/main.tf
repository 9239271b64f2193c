# Partial configuration completed by -backend-config at init time: nothing committed says
# whether it encrypts and locks. # expect-unknown: TF-027
terraform {
  required_version = ">= 1.10"
  backend "s3" {}
}

provider "aws" {
  region = "eu-west-1"
}
