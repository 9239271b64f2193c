# Enhanced scanning covers api-* repositories only.
resource "aws_ecr_registry_scanning_configuration" "this" {
  scan_type = "ENHANCED"
  rule {
    scan_frequency = "CONTINUOUS_SCAN"
    repository_filter {
      filter      = "api-*"
      filter_type = "WILDCARD"
    }
  }
}

resource "aws_ecr_repository" "api_web" {
  name                 = "api-web"
  image_tag_mutability = "IMMUTABLE"
}

resource "aws_ecr_repository" "batch" { # expect: TF-026
  name                 = "batch"
  image_tag_mutability = "IMMUTABLE"
}
