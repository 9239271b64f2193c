# Conditions that pin the caller's account, endpoint account or role id restrict the grant.
resource "aws_s3_bucket" "shared" {
  bucket = "pinned-condition-bucket"
}

resource "aws_s3_bucket_public_access_block" "shared" {
  bucket                  = aws_s3_bucket.shared.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "pinned" {
  bucket = aws_s3_bucket.shared.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::pinned-condition-bucket/*"
        Condition = { ArnLike = { "aws:SourceArn" = "arn:aws:cloudtrail:*:111122223333:trail/*" } }
      },
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::pinned-condition-bucket/*"
        Condition = { StringEquals = { "aws:VpceAccount" = "111122223333" } }
      },
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::pinned-condition-bucket/*"
        Condition = { StringLike = { "aws:userid" = "AROAEXAMPLEROLEID:*" } }
      },
    ]
  })
}
