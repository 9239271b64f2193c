resource "aws_ecs_service" "f9_api" {
  name = "f9-api"

  deployment_controller {
    type = "CODE_DEPLOY"
  }
}

resource "aws_codedeploy_deployment_group" "f9_api" {
  app_name              = "f9-api"
  deployment_group_name = "f9-api"
  service_role_arn      = "arn:aws:iam::123456789012:role/codedeploy"

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
  }

  alarm_configuration {
    alarms  = ["api-5xx"]
    enabled = true
  }

  ecs_service {
    cluster_name = "main"
    service_name = aws_ecs_service.f9_api.name
  }
}

# Linked by an equal literal name.
resource "aws_ecs_service" "f9_worker" {
  name = "f9-worker"

  deployment_controller {
    type = "CODE_DEPLOY"
  }
}

resource "aws_codedeploy_deployment_group" "f9_worker" {
  app_name              = "f9-worker"
  deployment_group_name = "f9-worker"
  service_role_arn      = "arn:aws:iam::123456789012:role/codedeploy"

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE"]
  }

  # Alarms switched off: DEPLOYMENT_STOP_ON_ALARM is not needed.
  alarm_configuration {
    alarms  = ["worker-5xx"]
    enabled = false
  }

  ecs_service {
    cluster_name = "main"
    service_name = "f9-worker"
  }
}

# An EC2/on-premises group gets the same rule.
resource "aws_codedeploy_deployment_group" "f9_ec2" {
  app_name              = "f9-legacy"
  deployment_group_name = "f9-legacy"
  service_role_arn      = "arn:aws:iam::123456789012:role/codedeploy"

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE"]
  }
}
