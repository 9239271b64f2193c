# A reusable (child) module states the minimum provider version it needs; the root module's
# constraint and lock file bound it.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

resource "aws_s3_bucket" "this" {
  bucket = "acme-logs"
}
