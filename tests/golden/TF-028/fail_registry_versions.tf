module "no_version" { # expect: TF-028
  source = "terraform-aws-modules/vpc/aws"
}

module "open_minimum" {
  source  = "terraform-aws-modules/eks/aws"
  version = ">= 20.0" # expect: TF-028
}

module "greater_than" {
  source  = "terraform-google-modules/kubernetes-engine/google"
  version = "> 30" # expect: TF-028
}

module "not_equal_only" {
  source  = "Azure/network/azurerm"
  version = "!= 5.0.0" # expect: TF-028
}
