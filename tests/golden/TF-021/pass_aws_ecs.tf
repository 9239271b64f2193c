variable "f10_rollback" {
  type    = bool
  default = true
}

resource "aws_ecs_service" "f10_api" {
  name            = "f10-api"
  cluster         = "main"
  task_definition = "api:1"

  deployment_circuit_breaker {
    enable   = true
    rollback = var.f10_rollback
  }

  alarms {
    alarm_names = ["api-5xx"]
    enable      = true
    rollback    = true
  }
}

resource "aws_ecs_service" "f10_explicit_ecs" {
  name = "f10-worker"

  deployment_controller {
    type = "ECS"
  }

  deployment_circuit_breaker {
    enable   = "true"
    rollback = "true"
  }
}

# Deployed by an external controller: its rollback is not configured here.
resource "aws_ecs_service" "f10_external" {
  name = "f10-external"

  deployment_controller {
    type = "EXTERNAL"
  }
}

# count = 0: no instance, no item.
resource "aws_ecs_service" "f10_disabled" {
  count = 0
  name  = "f10-disabled"
}
