terraform { # expect-unknown: TF-022
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

module "trail" {
  source  = "cloudposse/cloudtrail/aws"
  version = "0.24.0"
  name    = "main"
}
