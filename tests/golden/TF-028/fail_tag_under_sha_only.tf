module "vpc_tag" {
  source = "git::https://github.com/acme/terraform-modules.git//vpc?ref=v1.4.2" # expect: TF-028
}

module "vpc_sha" {
  source = "git::https://github.com/acme/terraform-modules.git//vpc?ref=3f5c2a9e8b1d4c7f6a0e9d8c7b6a5f4e3d2c1b0a"
}
