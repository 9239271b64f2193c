variable "f11_blue_green" {
  type = bool
}

# Both controllers roll back, so the unresolved choice does not matter.
resource "aws_ecs_service" "f11_api" {
  name = "f11-api"

  deployment_controller {
    type = var.f11_blue_green ? "CODE_DEPLOY" : "ECS"
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}

resource "aws_codedeploy_deployment_group" "f11_api" {
  app_name              = "f11-api"
  deployment_group_name = "f11-api"
  service_role_arn      = "arn:aws:iam::123456789012:role/codedeploy"

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE"]
  }

  ecs_service {
    cluster_name = "main"
    service_name = aws_ecs_service.f11_api.name
  }
}
