resource "aws_s3_bucket" "restricted" {
  bucket = "acme-restricted"
}

resource "aws_s3_bucket_public_access_block" "restricted" {
  bucket                  = aws_s3_bucket.restricted.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Heredoc JSON: Principal "*" only through one VPC endpoint; the Deny is harmless.
resource "aws_s3_bucket_policy" "restricted_heredoc" {
  bucket = aws_s3_bucket.restricted.id
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "VpceOnly",
          "Effect": "Allow",
          "Principal": "*",
          "Action": "s3:GetObject",
          "Resource": "${aws_s3_bucket.restricted.arn}/*",
          "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}
        },
        {
          "Sid": "DenyInsecure",
          "Effect": "Deny",
          "Principal": "*",
          "Action": "s3:*",
          "Resource": "${aws_s3_bucket.restricted.arn}/*",
          "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        }
      ]
    }
  POLICY
}

# jsonencode of an HCL object, restricted to the organisation.
resource "aws_s3_bucket_policy" "restricted_jsonencode" {
  bucket = aws_s3_bucket.restricted.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["s3:GetObject"]
      Resource  = "${aws_s3_bucket.restricted.arn}/*"
      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc123" } }
    }]
  })
}

# A policy document data source, restricted to one CloudFront distribution.
data "aws_iam_policy_document" "restricted_cloudfront" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.restricted.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
  }

  statement {
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.restricted.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"]
    }
  }
}

resource "aws_s3_bucket_policy" "restricted_document" {
  bucket = aws_s3_bucket.restricted.id
  policy = data.aws_iam_policy_document.restricted_cloudfront.json
}
