resource "aws_cloudwatch_log_group" "fm_api" {
  name              = "/ecs/fm-api"
  retention_in_days = 180 # expect: TF-024
}
