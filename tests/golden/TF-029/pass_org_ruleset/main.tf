# An active organization ruleset on every default branch covers the repositories.
resource "github_repository" "repos" {
  for_each = toset(["api", "web"])
  name     = each.key
}

resource "github_organization_ruleset" "default_branches" {
  name        = "default-branches"
  target      = "branch"
  enforcement = "active"

  conditions {
    ref_name {
      include = ["~DEFAULT_BRANCH"]
      exclude = []
    }
    repository_name {
      include = ["~ALL"]
      exclude = []
    }
  }

  rules {
    deletion         = true
    non_fast_forward = true
  }
}
