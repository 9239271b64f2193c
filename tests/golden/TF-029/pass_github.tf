resource "github_repository" "api" {
  name = "api"
}

resource "github_branch_default" "api" {
  repository = github_repository.api.name
  branch     = "trunk"
}

resource "github_branch_protection" "trunk" {
  repository_id       = github_repository.api.node_id
  pattern             = "trunk"
  enforce_admins      = true
  allows_force_pushes = false
  allows_deletions    = false

  required_status_checks {
    strict   = true
    contexts = ["ci/test"]
  }

  required_pull_request_reviews {
    dismiss_stale_reviews = true
  }
}

# A feature-branch protection is neither the default nor a release branch: not judged.
resource "github_branch_protection" "features" {
  repository_id       = github_repository.api.node_id
  pattern             = "feature/*"
  allows_force_pushes = true
}

# Protected through the REST resource, by literal repository name.
resource "github_repository" "web" {
  name = "web"
}

resource "github_branch_protection_v3" "web_main" {
  repository     = "web"
  branch         = "main"
  enforce_admins = true

  required_status_checks {
    strict = true
    checks = ["ci/build:12345"]
  }

  required_pull_request_reviews {
    dismiss_stale_reviews           = true
    required_approving_review_count = 2
  }
}

# Protected through an active ruleset on ~DEFAULT_BRANCH.
resource "github_repository" "docs" {
  name = "docs"
}

resource "github_repository_ruleset" "docs" {
  name        = "default"
  repository  = github_repository.docs.name
  target      = "branch"
  enforcement = "active"

  conditions {
    ref_name {
      include = ["~DEFAULT_BRANCH", "refs/heads/release/*"]
      exclude = []
    }
  }

  rules {
    deletion         = true
    non_fast_forward = true

    required_status_checks {
      strict_required_status_checks_policy = true
      required_check {
        context = "ci/test"
      }
    }

    pull_request {
      required_approving_review_count = 1
      dismiss_stale_reviews_on_push   = true
    }
  }
}

# A tag ruleset protects no branch: not judged.
resource "github_repository_ruleset" "tags" {
  name        = "tags"
  repository  = github_repository.docs.name
  target      = "tag"
  enforcement = "active"
  rules {
    deletion = true
  }
}

# Archived repositories are read-only.
resource "github_repository" "old" {
  name     = "old"
  archived = true
}

# count = 0: no item.
resource "github_repository" "maybe" {
  count = 0
  name  = "maybe"
}

# Values from variables with defaults are judged.
variable "force_pushes" {
  default = false
}

variable "approvals" {
  default = "1"
}

resource "github_repository" "svc" {
  name = "svc"
}

resource "github_branch_protection" "svc_release" {
  repository_id       = github_repository.svc.name
  pattern             = "main"
  enforce_admins      = "true"
  allows_force_pushes = var.force_pushes

  required_status_checks {
    strict   = true
    contexts = ["ci/test"]
  }

  required_pull_request_reviews {
    dismiss_stale_reviews           = true
    required_approving_review_count = var.approvals
  }
}
