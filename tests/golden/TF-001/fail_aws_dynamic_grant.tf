# A dynamic grant with a literal for_each expands; one element is the AllUsers group.
resource "aws_s3_bucket" "dynamic_grants" {
  bucket = "acme-dynamic-grants"

  dynamic "grant" {
    for_each = [
      { type = "CanonicalUser", uri = null, id = "1234567890abcdef" },
      { type = "Group", uri = "http://acs.amazonaws.com/groups/global/AllUsers", id = null },
    ]
    content {
      type        = grant.value.type
      id          = grant.value.id
      uri         = grant.value.uri # expect: TF-001
      permissions = ["READ"]
    }
  }
}

resource "aws_s3_bucket_public_access_block" "dynamic_grants" {
  bucket                  = aws_s3_bucket.dynamic_grants.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
