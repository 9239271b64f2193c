variable "fu_version" {
  type = string
}

resource "aws_eks_cluster" "fu_var" {
  name     = "fu-var"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = var.fu_version # expect-unknown: TF-025
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}

# Newer than the bundled table: cannot be judged.
resource "aws_eks_cluster" "fu_new" {
  name     = "fu-new"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.40"
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}

# No version: the default of the creation day.
resource "aws_eks_cluster" "fu_default" {
  name     = "fu-default"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}
