resource "github_repository" "fr_docs" {
  name = "fr-docs"
}

resource "github_repository_ruleset" "fr_weak" {
  name        = "fr-weak"
  repository  = github_repository.fr_docs.name
  target      = "branch"
  enforcement = "active"

  conditions {
    ref_name {
      include = ["~DEFAULT_BRANCH"]
      exclude = []
    }
  }

  rules { # expect: TF-029
    non_fast_forward = false # expect: TF-029
    creation         = true

    required_status_checks { # expect: TF-029
    }

    pull_request { # expect: TF-029
    }
  }
}

# Evaluate mode only reports: the repository counts as unprotected.
resource "github_repository" "fr_site" { # expect: TF-029
  name = "fr-site"
}

resource "github_repository_ruleset" "fr_site" {
  name        = "fr-site"
  repository  = github_repository.fr_site.name
  target      = "branch"
  enforcement = "evaluate" # expect: TF-029

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
      required_check {
        context = "ci"
      }
    }
    pull_request {
      required_approving_review_count = 1
    }
  }
}

resource "github_repository_ruleset" "fr_empty" { # expect: TF-029
  name        = "fr-empty"
  repository  = github_repository.fr_docs.name
  target      = "branch"
  enforcement = "active"
  conditions {
    ref_name {
      include = ["~ALL"]
      exclude = []
    }
  }
}

# A ruleset that excludes the default branch does not cover it.
resource "github_repository" "fr_cli_excl" { # expect: TF-029
  name = "fr-cli-excl"
}

resource "github_repository_ruleset" "fr_cli_excl" {
  name        = "all-but-default"
  repository  = github_repository.fr_cli_excl.name
  target      = "branch"
  enforcement = "active"

  conditions {
    ref_name {
      include = ["~ALL"]
      exclude = ["~DEFAULT_BRANCH"]
    }
  }

  rules {
    deletion         = true
    non_fast_forward = true
    required_status_checks {
      strict_required_status_checks_policy = true
      required_check {
        context = "ci"
      }
    }
    pull_request {
      required_approving_review_count = 1
    }
  }
}
