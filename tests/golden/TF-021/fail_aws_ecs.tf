variable "f3_enable_breaker" {
  type    = bool
  default = false
}

resource "aws_ecs_service" "f3_no_breaker" { # expect: TF-021
  name            = "f3-api"
  cluster         = "main"
  task_definition = "api:1"
}

resource "aws_ecs_service" "f3_no_rollback" {
  name = "f3-worker"

  deployment_circuit_breaker {
    enable   = true
    rollback = false # expect: TF-021
  }
}

resource "aws_ecs_service" "f3_variable_off" {
  name = "f3-jobs"

  deployment_circuit_breaker {
    enable   = var.f3_enable_breaker # expect: TF-021
    rollback = true
  }
}

resource "aws_ecs_service" "f3_rollback_missing" {
  name = "f3-web"

  deployment_controller {
    type = "ECS"
  }

  deployment_circuit_breaker { # expect: TF-021
    enable = true
  }
}

resource "aws_ecs_service" "f3_alarm_without_rollback" {
  name = "f3-alarms"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  alarms {
    alarm_names = ["alarms-5xx"]
    enable      = true
    rollback    = false # expect: TF-021
  }
}
