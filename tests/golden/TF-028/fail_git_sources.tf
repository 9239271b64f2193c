module "no_ref" {
  source = "git::https://github.com/acme/terraform-modules.git//vpc" # expect: TF-028
}

module "branch" {
  source = "git::https://github.com/acme/terraform-modules.git//vpc?ref=main" # expect: TF-028
}

module "github_no_ref" {
  source = "github.com/acme/terraform-aws-network" # expect: TF-028
}

module "ssh_branch" {
  source = "git@github.com:acme/network.git?ref=develop" # expect: TF-028
}

module "short_sha" {
  source = "git::ssh://git@bitbucket.org/acme/modules.git?ref=3f5c2a9" # expect: TF-028
}

module "bitbucket_no_ref" {
  source = "bitbucket.org/acme/terraform-modules" # expect: TF-028
}
