variable "f7_rollback" {
  type = bool
}

resource "aws_ecs_service" "f7_api" {
  name = "f7-api"

  deployment_circuit_breaker {
    enable   = true
    rollback = var.f7_rollback # expect-unknown: TF-021
  }
}
