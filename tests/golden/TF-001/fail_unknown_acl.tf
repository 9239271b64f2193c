# The ACL comes from a variable with no default: cannot be checked statically.
# expect-unknown: TF-001
variable "unknown_bucket_acl" {
  type = string
}

resource "aws_s3_bucket" "unknown_acl" {
  bucket = "acme-unknown-acl"
}

resource "aws_s3_bucket_public_access_block" "unknown_acl" {
  bucket                  = aws_s3_bucket.unknown_acl.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_acl" "unknown_acl" {
  bucket = aws_s3_bucket.unknown_acl.id
  acl    = var.unknown_bucket_acl
}
