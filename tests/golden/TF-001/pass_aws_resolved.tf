variable "logs_acl" {
  default = "log-delivery-write"
}

locals {
  logs_name = "acme-resolved-logs"
}

resource "aws_s3_bucket" "resolved" {
  bucket = local.logs_name
  acl    = var.logs_acl # aws v3 inline ACL, resolved through the default
}

resource "aws_s3_bucket_public_access_block" "resolved" {
  bucket                  = local.logs_name # equal names link, even through a local
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# The condition is unknown, but neither branch is public.
variable "logs_private" {
  type = bool
}

resource "aws_s3_bucket_acl" "resolved" {
  bucket = aws_s3_bucket.resolved.id
  acl    = var.logs_private ? "private" : "log-delivery-write"
}

# count = 0: no bucket exists (N/A).
resource "aws_s3_bucket" "never_created" {
  count  = 0
  bucket = "acme-never-created"
  acl    = "public-read"
}
