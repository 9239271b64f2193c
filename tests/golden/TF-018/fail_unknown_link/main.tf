# The versioning resource's bucket is a variable without default: it may be this bucket.
# expect-unknown: TF-018
variable "bucket_name" {
  type = string
}

resource "aws_s3_bucket" "maybe_versioned" {
  bucket = "acme-tf018-maybe"
}

resource "aws_s3_bucket_versioning" "somewhere" {
  bucket = var.bucket_name
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Enabled"
  }
}
