# The deployment group lives in another module: its rollback cannot be seen here.
resource "aws_ecs_service" "f5_api" { # expect-unknown: TF-021
  name = "f5-api"

  deployment_controller {
    type = "CODE_DEPLOY"
  }
}
