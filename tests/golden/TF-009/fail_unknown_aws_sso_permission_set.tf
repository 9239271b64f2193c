# var.unknown_sso_policy has no default: cannot be checked statically.
# expect-unknown: TF-009
variable "unknown_sso_policy" {
  type = string
}

resource "aws_ssoadmin_permission_set_inline_policy" "from_variable" {
  instance_arn       = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
  permission_set_arn = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef"
  inline_policy      = var.unknown_sso_policy
}
