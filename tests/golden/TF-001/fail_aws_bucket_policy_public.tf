resource "aws_s3_bucket" "policy_site" {
  bucket = "acme-policy-site"

  # aws v3 inline policy (a heredoc opener cannot carry a comment)
  # expect-next: TF-001
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::acme-policy-site/*"
  }]
}
POLICY
}

resource "aws_s3_bucket_public_access_block" "policy_site" {
  bucket                  = aws_s3_bucket.policy_site.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "policy_site_jsonencode" {
  bucket = aws_s3_bucket.policy_site.id
  policy = jsonencode({ # expect: TF-001
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PublicList"
        Effect    = "Allow"
        Principal = { AWS = ["*"] }
        Action    = "s3:ListBucket"
        Resource  = aws_s3_bucket.policy_site.arn
      },
    ]
  })
}

# An ...IfExists condition does not restrict anonymous callers (the key is absent).
resource "aws_s3_bucket_policy" "policy_site_ifexists" {
  bucket = aws_s3_bucket.policy_site.id
  # expect-next: TF-001
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "s3:GetObject",
        "Resource": "${aws_s3_bucket.policy_site.arn}/*",
        "Condition": {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}
      }
    }
  POLICY
}

data "aws_iam_policy_document" "policy_site_public" {
  statement {
    sid       = "Everyone"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.policy_site.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "policy_site_document" {
  bucket = aws_s3_bucket.policy_site.id
  policy = data.aws_iam_policy_document.policy_site_public.json # expect: TF-001
}

# Allow + NotPrincipal grants everyone else; a SourceIp of 0.0.0.0/0 restricts nothing.
resource "aws_s3_bucket_policy" "policy_site_not_principal" {
  bucket = aws_s3_bucket.policy_site.id
  policy = jsonencode({ # expect: TF-001
    Version = "2012-10-17"
    Statement = [
      {
        Effect       = "Allow"
        NotPrincipal = { AWS = "arn:aws:iam::123456789012:root" }
        Action       = "s3:GetObject"
        Resource     = "${aws_s3_bucket.policy_site.arn}/*"
      },
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.policy_site.arn}/*"
        Condition = { IpAddress = { "aws:SourceIp" = ["0.0.0.0/0"] } }
      },
    ]
  })
}
