# The rotation's secret_id does not resolve: it may rotate this secret.
# expect-unknown: TF-012
variable "secret_arn" {
  type = string
}

resource "aws_secretsmanager_secret" "maybe_rotated" {
  name = "maybe"
}

resource "aws_secretsmanager_secret_rotation" "opaque" {
  secret_id = var.secret_arn
  rotation_rules {
    automatically_after_days = 30
  }
}
