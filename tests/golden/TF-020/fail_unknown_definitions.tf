resource "aws_ecs_task_definition" "fud_api" {
  family                = "fud-api"
  container_definitions = file("${path.module}/containers.json") # expect-unknown: TF-020
}
