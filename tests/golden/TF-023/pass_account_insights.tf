# The account default turns Container Insights on for clusters that do not say otherwise.
resource "aws_ecs_account_setting_default" "pai_insights" {
  name  = "containerInsights"
  value = "enabled"
}

resource "aws_ecs_cluster" "pai_main" {
  name = "pai-main"
}
