# Resource policies: a KMS key anyone can use, a bucket policy with Allow + NotAction.

resource "aws_kms_key" "public_key" {
  description = "public key"
  policy = jsonencode({ # expect: TF-009
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Everyone"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["kms:Decrypt"]
      Resource  = "*"
    }]
  })
}

resource "aws_s3_bucket_policy" "not_action" {
  bucket = "acme-not-action"
  policy = jsonencode({ # expect: TF-009
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      NotAction = "s3:DeleteBucket"
      Resource  = ["arn:aws:s3:::acme-not-action", "arn:aws:s3:::acme-not-action/*"]
    }]
  })
}
