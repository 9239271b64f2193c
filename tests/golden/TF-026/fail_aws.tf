variable "fa_mutability" {
  type    = string
  default = "MUTABLE"
}

resource "aws_ecr_repository" "fa_defaults" { # expect: TF-026
  name = "fa-defaults"
}

resource "aws_ecr_repository" "fa_no_scan" {
  name                 = "fa-no-scan"
  image_tag_mutability = var.fa_mutability # expect: TF-026
  image_scanning_configuration {
    scan_on_push = false # expect: TF-026
  }
}

resource "aws_ecr_repository" "fa_force_delete" {
  name                 = "fa-force-delete"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = true # expect: TF-026
  image_scanning_configuration {
    scan_on_push = true
  }
}
