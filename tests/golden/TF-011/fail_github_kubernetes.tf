resource "github_actions_secret" "deploy" {
  repository      = "app"
  secret_name     = "DEPLOY_KEY"
  plaintext_value = "gh-deploy-l1teral-7Qz" # expect: TF-011
}

resource "kubernetes_secret" "db" {
  metadata {
    name = "db"
  }
  data = { # expect: TF-011
    username = "app"
    password = "k8s-S3cret-Pa55"
  }
}

resource "github_repository_webhook" "ci" {
  repository = "app"
  configuration {
    url          = "https://ci.example.com/hook"
    content_type = "json"
    secret       = "wh00k-s3cret-9Zq" # expect: TF-011
  }
  events = ["push"]
}
