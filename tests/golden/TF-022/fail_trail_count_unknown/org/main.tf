resource "aws_cloudtrail" "main" {
  count                      = var.create_trail ? 1 : 0
  name                       = "main"
  s3_bucket_name             = "acme-cloudtrail"
  is_multi_region_trail      = true
  enable_log_file_validation = true
}

variable "create_trail" {
  type = bool
}
