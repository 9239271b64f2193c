variable "fu_force" {}

variable "fu_branch" {}

variable "fu_repo" {}

resource "github_repository" "fu_api" {
  name = "fu-api"
}

resource "github_branch_protection" "fu_main" {
  repository_id       = github_repository.fu_api.node_id
  pattern             = "main"
  enforce_admins      = true
  allows_force_pushes = var.fu_force # expect-unknown: TF-029

  required_status_checks {
    strict   = true
    contexts = ["ci"]
  }

  required_pull_request_reviews {
    dismiss_stale_reviews = true
  }
}

# The protected branch does not resolve: whether the default branch is covered is unknown.
resource "github_repository" "fu_web" { # expect-unknown: TF-029
  name = "fu-web"
}

resource "github_branch_protection_v3" "fu_web" {
  repository     = github_repository.fu_web.name
  branch         = var.fu_branch
  enforce_admins = true

  required_status_checks {
    strict   = true
    contexts = ["ci"]
  }

  required_pull_request_reviews {
    dismiss_stale_reviews = true
  }
}

variable "fu_level" {}

resource "gitlab_branch_protection" "fu_main" {
  project           = "42"
  branch            = "main"
  push_access_level = var.fu_level # expect-unknown: TF-029
}
