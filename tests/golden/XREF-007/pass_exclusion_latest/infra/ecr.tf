variable "mutability" {
  default = "IMMUTABLE_WITH_EXCLUSION"
}

resource "aws_ecr_repository" "shop" {
  name                 = "shop"
  image_tag_mutability = var.mutability

  image_tag_mutability_exclusion_filter {
    filter      = "latest"
    filter_type = "WILDCARD"
  }
}
