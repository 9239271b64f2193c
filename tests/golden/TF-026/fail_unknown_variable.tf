variable "fu_mutability" {
  type = string
}

resource "aws_ecr_repository" "fu_api" {
  name                 = "fu-api"
  image_tag_mutability = var.fu_mutability # expect-unknown: TF-026
  image_scanning_configuration {
    scan_on_push = true
  }
}
