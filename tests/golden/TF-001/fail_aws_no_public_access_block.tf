# No aws_s3_bucket_public_access_block and no account-level block in the module.
resource "aws_s3_bucket" "uncovered" { # expect: TF-001
  bucket = "acme-uncovered"
}

# A block for another bucket does not cover this one.
resource "aws_s3_bucket" "uncovered_neighbour" { # expect: TF-001
  bucket = "acme-uncovered-neighbour"
}

resource "aws_s3_bucket" "covered_neighbour" {
  bucket = "acme-covered-neighbour"
}

resource "aws_s3_bucket_public_access_block" "covered_neighbour" {
  bucket                  = aws_s3_bucket.covered_neighbour.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
