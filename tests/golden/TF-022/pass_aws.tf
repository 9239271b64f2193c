variable "pa_multi_region" {
  type    = bool
  default = true
}

resource "aws_cloudtrail" "pa_trail" {
  name                          = "pa-trail"
  s3_bucket_name                = "pa-trail-logs"
  is_multi_region_trail         = var.pa_multi_region
  enable_log_file_validation    = true
  include_global_service_events = true
  kms_key_id                    = "arn:aws:kms:eu-west-1:123456789012:key/1"
  cloud_watch_logs_group_arn    = "arn:aws:logs:eu-west-1:123456789012:log-group:trail:*"
  cloud_watch_logs_role_arn     = "arn:aws:iam::123456789012:role/trail"
}

resource "aws_eks_cluster" "pa_eks" {
  name                      = "pa-eks"
  role_arn                  = "arn:aws:iam::123456789012:role/eks"
  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}
