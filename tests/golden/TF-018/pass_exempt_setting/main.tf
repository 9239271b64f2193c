# tf.versioning_exempt names log-only buckets by address or bucket name.
resource "aws_s3_bucket" "alb_logs" {
  bucket = "acme-alb-logs"
}

resource "aws_s3_bucket" "cloudtrail" {
  bucket = "acme-trail-logs"
}
