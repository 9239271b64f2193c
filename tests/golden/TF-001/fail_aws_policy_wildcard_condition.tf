# A Condition whose pattern matches a caller in any account restricts nothing.
resource "aws_s3_bucket" "shared" {
  bucket = "wildcard-condition-bucket"
}

resource "aws_s3_bucket_public_access_block" "shared" {
  bucket                  = aws_s3_bucket.shared.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "any_account_arn" {
  bucket = aws_s3_bucket.shared.id
  policy = jsonencode({ # expect: TF-001
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::wildcard-condition-bucket/*"
      Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::*:role/reader" } }
    }]
  })
}

resource "aws_s3_bucket_policy" "any_iam_arn" {
  bucket = aws_s3_bucket.shared.id
  # expect-next: TF-001
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::wildcard-condition-bucket/*",
        "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::*"}}
      }]
    }
  POLICY
}
