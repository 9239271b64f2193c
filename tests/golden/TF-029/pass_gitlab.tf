resource "gitlab_branch_protection" "pl_main" {
  project            = "42"
  branch             = "main"
  push_access_level  = "maintainer"
  merge_access_level = "developer"
}

resource "gitlab_branch_protection" "pl_release" {
  project           = "42"
  branch            = "release/*"
  push_access_level = "no one"
  allow_force_push  = false
}

# Unset: the provider defaults are maintainer and no force push.
resource "gitlab_branch_protection" "pl_defaults" {
  project = "42"
  branch  = "stable"
}
