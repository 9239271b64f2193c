# v4+: a linked aws_s3_bucket_versioning, by .id
resource "aws_s3_bucket" "by_id" {
  bucket = "acme-tf018-by-id"
}

resource "aws_s3_bucket_versioning" "by_id" {
  bucket = aws_s3_bucket.by_id.id
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Enabled"
  }
}

# ... by an equal literal name
resource "aws_s3_bucket" "by_name" {
  bucket = "acme-tf018-by-name"
}

resource "aws_s3_bucket_versioning" "by_name" {
  bucket = "acme-tf018-by-name"
  mfa    = "arn:aws:iam::123456789012:mfa/root-account-mfa-device 123456"
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Enabled"
  }
}

# v3: inline versioning
resource "aws_s3_bucket" "inline" {
  bucket = "acme-tf018-inline"
  versioning {
    enabled    = true
    mfa_delete = true
  }
}

# Object Lock turns versioning on by itself.
resource "aws_s3_bucket" "object_lock" {
  bucket              = "acme-tf018-lock"
  object_lock_enabled = true
}

# Log-only buckets exempted by tag (tf.versioning_exempt_tags, default purpose=logs): N/A.
resource "aws_s3_bucket" "access_logs" {
  bucket = "acme-tf018-access-logs"
  tags = {
    Purpose = "Logs"
  }
}

# count = 0: no item.
resource "aws_s3_bucket" "disabled" {
  count  = 0
  bucket = "acme-tf018-disabled"
}

resource "aws_s3_bucket" "attr_versioning_on" {
  bucket = "attr-versioning-on"
  versioning = {
    enabled    = true
    mfa_delete = true
  }
}
