variable "repository_node_id" {}

# A protection whose repository does not resolve may protect this repository or another.
resource "github_repository" "api" { # expect-unknown: TF-029
  name = "api"
}

resource "github_branch_protection" "main" {
  repository_id  = var.repository_node_id
  pattern        = "main"
  enforce_admins = true

  required_status_checks {
    strict   = true
    contexts = ["ci"]
  }

  required_pull_request_reviews {
    dismiss_stale_reviews = true
  }
}
