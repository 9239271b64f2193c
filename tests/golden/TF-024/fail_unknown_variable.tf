variable "fu_days" {
  type = number
}

resource "aws_cloudwatch_log_group" "fu_api" {
  name              = "/ecs/fu-api"
  retention_in_days = var.fu_days # expect-unknown: TF-024
}
