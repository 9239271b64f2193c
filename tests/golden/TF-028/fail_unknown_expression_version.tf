# expect-unknown: TF-028
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = var.vpc_module_version
}
