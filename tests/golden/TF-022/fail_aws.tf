resource "aws_cloudtrail" "fa_defaults" { # expect: TF-022
  name           = "fa-defaults"
  s3_bucket_name = "fa-defaults-logs"
}

resource "aws_cloudtrail" "fa_off" {
  name                          = "fa-off"
  s3_bucket_name                = "fa-off-logs"
  is_multi_region_trail         = false # expect: TF-022
  enable_log_file_validation    = true
  include_global_service_events = false # expect: TF-022
  enable_logging                = false # expect: TF-022
  kms_key_id                    = "arn:aws:kms:eu-west-1:123456789012:key/1"
  cloud_watch_logs_group_arn    = "arn:aws:logs:eu-west-1:123456789012:log-group:trail:*"
}

resource "aws_eks_cluster" "fa_eks" {
  name                      = "fa-eks"
  role_arn                  = "arn:aws:iam::123456789012:role/eks"
  enabled_cluster_log_types = ["api", "scheduler"] # expect: TF-022
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}

resource "aws_eks_cluster" "fa_no_logs" { # expect: TF-022
  name     = "fa-no-logs"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}
