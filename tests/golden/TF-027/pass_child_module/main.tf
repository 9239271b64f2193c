# A child module: no provider and no backend, so TF-027 does not judge it.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}

variable "name" {
  type = string
}
