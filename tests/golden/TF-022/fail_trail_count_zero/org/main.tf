# Switched off: neither trail records anything.
resource "aws_cloudtrail" "main" {
  count                      = 0
  name                       = "main"
  s3_bucket_name             = "acme-cloudtrail"
  is_multi_region_trail      = true
  enable_log_file_validation = true
}

resource "aws_cloudtrail" "paused" {
  name                       = "paused"
  s3_bucket_name             = "acme-cloudtrail"
  is_multi_region_trail      = true
  enable_log_file_validation = true
  enable_logging             = var.trail_on
}

variable "trail_on" {
  type    = bool
  default = false
}
