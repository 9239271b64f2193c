variable "fu_log_types" {
  type = list(string)
}

resource "aws_eks_cluster" "fu_eks" {
  name                      = "fu-eks"
  role_arn                  = "arn:aws:iam::123456789012:role/eks"
  enabled_cluster_log_types = var.fu_log_types # expect-unknown: TF-022
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}
