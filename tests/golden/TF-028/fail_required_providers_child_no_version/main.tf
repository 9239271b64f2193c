terraform {
  required_providers {
    aws = { # expect: TF-028
      source = "hashicorp/aws"
    }
  }
}

resource "aws_s3_bucket" "this" {
  bucket = "acme-logs"
}
