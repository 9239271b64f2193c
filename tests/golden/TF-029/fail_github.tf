resource "github_repository" "fg_bare" { # expect: TF-029
  name = "fg-bare"
}

resource "github_repository" "fg_api" {
  name = "fg-api"
}

resource "github_branch_protection" "fg_main" { # expect: TF-029
  repository_id       = github_repository.fg_api.node_id
  pattern             = "main"
  allows_force_pushes = true # expect: TF-029
  allows_deletions    = true # expect: TF-029
}

resource "github_repository" "fg_web" {
  name = "fg-web"
}

resource "github_branch_protection" "fg_web_release" {
  repository_id  = github_repository.fg_web.node_id
  pattern        = "release/*"
  enforce_admins = false # expect: TF-029

  required_status_checks { # expect: TF-029
    strict = false # expect: TF-029
  }

  required_pull_request_reviews {
    required_approving_review_count = 0     # expect: TF-029
    dismiss_stale_reviews           = false # expect: TF-029
  }
}

resource "github_branch_protection_v3" "fg_web_main" { # expect: TF-029
  repository = github_repository.fg_web.name
  branch     = "main"

  required_status_checks { # expect: TF-029
    contexts = []
  }

  required_pull_request_reviews { # expect: TF-029
  }
}

# The only protection covers another branch than the default one.
resource "github_repository" "fg_cli" { # expect: TF-029
  name = "fg-cli"
}

resource "github_branch_default" "fg_cli" {
  repository = github_repository.fg_cli.name
  branch     = "develop"
}

resource "github_branch_protection" "fg_cli_main" {
  repository_id = github_repository.fg_cli.node_id
  pattern       = "feature/*"
}

variable "fg_allow_force" {
  default = true
}

resource "github_repository" "fg_vars" {
  name = "fg-vars"
}

resource "github_branch_protection" "fg_vars" {
  repository_id       = github_repository.fg_vars.node_id
  pattern             = "main"
  enforce_admins      = true
  allows_force_pushes = var.fg_allow_force # expect: TF-029

  required_status_checks {
    strict   = true
    contexts = ["ci"]
  }

  required_pull_request_reviews {
    dismiss_stale_reviews = true
  }
}
