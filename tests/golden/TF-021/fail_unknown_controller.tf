variable "f6_controller" {
  type = string
}

resource "aws_ecs_service" "f6_api" {
  name = "f6-api"

  deployment_controller {
    type = var.f6_controller # expect-unknown: TF-021
  }
}
