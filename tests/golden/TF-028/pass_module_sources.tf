module "vpc_sha" {
  source = "git::https://github.com/acme/terraform-modules.git//vpc?ref=3f5c2a9e8b1d4c7f6a0e9d8c7b6a5f4e3d2c1b0a"
}

module "vpc_tag" {
  source = "git::https://github.com/acme/terraform-modules.git//vpc?ref=v1.4.2"
}

module "github_shorthand" {
  source = "github.com/acme/terraform-aws-network?ref=v2.0.0"
}

module "ssh" {
  source = "git@github.com:acme/terraform-aws-network.git?ref=3f5c2a9e8b1d4c7f6a0e9d8c7b6a5f4e3d2c1b0a"
}

module "bitbucket" {
  source = "bitbucket.org/acme/terraform-modules?depth=1&ref=1.2.0"
}

module "registry_exact" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
}

module "registry_equals" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "= 4.1.2"
}

module "registry_pessimistic" {
  source  = "Azure/aks/azurerm"
  version = "~> 9.1"
}

module "registry_bounded_range" {
  source  = "terraform-google-modules/network/google//modules/subnets"
  version = ">= 9.0, < 10.0"
}

module "private_registry" {
  source  = "app.terraform.io/acme/network/aws"
  version = "~> 1.2.0"
}

module "local" {
  source = "./modules/db"
}

module "parent" {
  source = "../shared/dns"
}
