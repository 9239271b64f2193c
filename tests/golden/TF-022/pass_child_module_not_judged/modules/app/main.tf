# Under modules/: a child module, even with a (legacy) provider block; the stack that
# calls it is the root module judged for a trail.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
