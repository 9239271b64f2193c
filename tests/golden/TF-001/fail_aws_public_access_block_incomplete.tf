variable "ignore_acls" {
  default = false
}

resource "aws_s3_bucket" "partial" {
  bucket = "acme-partial"
}

resource "aws_s3_bucket_public_access_block" "partial" { # expect: TF-001
  bucket              = aws_s3_bucket.partial.id
  block_public_acls   = false # expect: TF-001
  block_public_policy = true
  ignore_public_acls  = var.ignore_acls # expect: TF-001
  # restrict_public_buckets is missing and defaults to false
}
