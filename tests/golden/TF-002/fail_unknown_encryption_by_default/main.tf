# Whether EBS encryption by default is on depends on var.ebs_default (no default).
# expect-unknown: TF-002
variable "ebs_default" {
  type = bool
}

resource "aws_ebs_encryption_by_default" "maybe" {
  enabled = var.ebs_default
}

resource "aws_ebs_volume" "maybe_covered" {
  availability_zone = "eu-west-1a"
  size              = 10
}
