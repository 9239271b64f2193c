# An empty public_access_cidrs does not matter when the public endpoint is off.
resource "aws_eks_cluster" "private_empty_cidrs" {
  name     = "private-empty-cidrs"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids              = ["subnet-0123456789abcdef0"]
    endpoint_private_access = true
    endpoint_public_access  = false
    public_access_cidrs     = []
  }
}
