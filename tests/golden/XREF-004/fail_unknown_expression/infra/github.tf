resource "github_repository" "shop" {
  name = "shop"
}

resource "github_repository_environment" "production" {
  repository          = github_repository.shop.name
  environment         = "production"
  prevent_self_review = true

  reviewers {
    teams = [42]
  }

  deployment_branch_policy {
    protected_branches     = true
    custom_branch_policies = false
  }
}
