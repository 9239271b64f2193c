resource "gitlab_branch_protection" "fl_main" {
  project            = "42"
  branch             = "main"
  push_access_level  = "developer" # expect: TF-029
  merge_access_level = "developer"
  allow_force_push   = true # expect: TF-029
}

variable "fl_push_level" {
  default = "Developer"
}

resource "gitlab_branch_protection" "fl_release" {
  project           = "42"
  branch            = "release/*"
  push_access_level = var.fl_push_level # expect: TF-029
}
