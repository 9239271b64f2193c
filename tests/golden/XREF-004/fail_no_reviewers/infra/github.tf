resource "github_repository_environment" "production" {
  repository          = "shop"
  environment         = "production"
  prevent_self_review = true

  deployment_branch_policy {
    protected_branches     = true
    custom_branch_policies = false
  }
}
