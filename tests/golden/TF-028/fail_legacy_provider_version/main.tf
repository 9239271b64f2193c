provider "aws" {
  region  = "eu-west-1"
  version = ">= 2.0" # expect: TF-028
}

provider "google" {
  project = "acme"
  version = "~> 3.0"
}
