# Linked by .id
resource "aws_s3_bucket" "pab_by_id" {
  bucket = "acme-pab-by-id"
}

resource "aws_s3_bucket_public_access_block" "pab_by_id" {
  bucket                  = aws_s3_bucket.pab_by_id.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Linked by .bucket
resource "aws_s3_bucket" "pab_by_name_ref" {
  bucket = "acme-pab-by-name-ref"
}

resource "aws_s3_bucket_public_access_block" "pab_by_name_ref" {
  bucket                  = aws_s3_bucket.pab_by_name_ref.bucket
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = "true" # Terraform converts the string
}

# Linked by an equal literal bucket name
resource "aws_s3_bucket" "pab_by_literal" {
  bucket = "acme-pab-by-literal"
}

resource "aws_s3_bucket_public_access_block" "pab_by_literal" {
  bucket                  = "acme-pab-by-literal"
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# count on both sides, linked by index
resource "aws_s3_bucket" "pab_counted" {
  count  = 2
  bucket = "acme-pab-counted-${count.index}"
}

resource "aws_s3_bucket_public_access_block" "pab_counted" {
  count                   = 2
  bucket                  = aws_s3_bucket.pab_counted[count.index].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# A bucket-level resource set to private is fine.
resource "aws_s3_bucket_acl" "pab_by_id" {
  bucket = aws_s3_bucket.pab_by_id.id
  acl    = "private"
}
