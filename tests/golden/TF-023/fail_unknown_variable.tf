variable "fu_insights" {
  type = string
}

resource "aws_ecs_cluster" "fu_main" {
  name = "fu-main"
  setting {
    name  = "containerInsights"
    value = var.fu_insights # expect-unknown: TF-023
  }
}
