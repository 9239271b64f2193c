resource "aws_ecs_service" "f2_api" {
  name = "f2-api"

  deployment_controller {
    type = "CODE_DEPLOY" # expect: TF-021
  }
}

resource "aws_codedeploy_deployment_group" "f2_api" { # expect: TF-021
  app_name              = "f2-api"
  deployment_group_name = "f2-api"
  service_role_arn      = "arn:aws:iam::123456789012:role/codedeploy"

  ecs_service {
    cluster_name = "main"
    service_name = aws_ecs_service.f2_api.name
  }
}

resource "aws_codedeploy_deployment_group" "f2_disabled" {
  app_name              = "f2-jobs"
  deployment_group_name = "f2-jobs"
  service_role_arn      = "arn:aws:iam::123456789012:role/codedeploy"

  auto_rollback_configuration {
    enabled = false # expect: TF-021
    events  = ["DEPLOYMENT_FAILURE"]
  }
}

resource "aws_codedeploy_deployment_group" "f2_wrong_events" {
  app_name              = "f2-web"
  deployment_group_name = "f2-web"
  service_role_arn      = "arn:aws:iam::123456789012:role/codedeploy"

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_STOP_ON_REQUEST"] # expect: TF-021
  }
}

resource "aws_codedeploy_deployment_group" "f2_alarms" {
  app_name              = "f2-alarms"
  deployment_group_name = "f2-alarms"
  service_role_arn      = "arn:aws:iam::123456789012:role/codedeploy"

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE"] # expect: TF-021
  }

  alarm_configuration {
    alarms = ["alarms-5xx"]
  }
}
