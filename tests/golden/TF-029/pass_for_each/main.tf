# One repository and one protection per name: each protection covers its own repository.
variable "repositories" {
  default = ["api", "web"]
}

resource "github_repository" "repos" {
  for_each = toset(var.repositories)
  name     = each.key
}

resource "github_branch_protection" "main" {
  for_each       = github_repository.repos
  repository_id  = each.value.node_id
  pattern        = "main"
  enforce_admins = true

  required_status_checks {
    strict   = true
    contexts = ["ci/test"]
  }

  required_pull_request_reviews {
    dismiss_stale_reviews = true
  }
}

# Status checks from a dynamic block over a literal list.
resource "github_repository" "lib" {
  name = "lib"
}

resource "github_repository_ruleset" "lib" {
  name        = "lib"
  repository  = github_repository.lib.name
  target      = "branch"
  enforcement = "active"

  conditions {
    ref_name {
      include = ["refs/heads/main"]
      exclude = []
    }
  }

  rules {
    deletion         = true
    non_fast_forward = true
    required_status_checks {
      strict_required_status_checks_policy = true
      dynamic "required_check" {
        for_each = ["ci/test", "ci/lint"]
        content {
          context = required_check.value
        }
      }
    }
    pull_request {
      required_approving_review_count = 2
    }
  }
}
