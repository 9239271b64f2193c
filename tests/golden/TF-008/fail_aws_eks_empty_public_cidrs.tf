# public_access_cidrs is optional and computed: an empty list is the default, 0.0.0.0/0.
resource "aws_eks_cluster" "empty_cidrs" {
  name     = "empty-cidrs"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids          = ["subnet-0123456789abcdef0"]
    public_access_cidrs = [] # expect: TF-008
  }
}

variable "eks_cidrs" {
  type    = list(string)
  default = []
}

resource "aws_eks_cluster" "empty_from_variable" {
  name     = "empty-from-variable"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids             = ["subnet-0123456789abcdef0"]
    endpoint_public_access = true
    public_access_cidrs    = var.eks_cidrs # expect: TF-008
  }
}
