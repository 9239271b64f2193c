resource "aws_ecr_repository" "pa_api" {
  name                 = "pa-api"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_ecr_repository" "pa_exclusions" {
  name                 = "pa-exclusions"
  image_tag_mutability = "IMMUTABLE_WITH_EXCLUSION"
  force_delete         = false

  image_tag_mutability_exclusion_filter {
    filter      = "latest*"
    filter_type = "WILDCARD"
  }

  image_scanning_configuration {
    scan_on_push = "true"
  }
}

resource "aws_ecr_repository" "pa_disabled" {
  count = 0
  name  = "pa-disabled"
}
