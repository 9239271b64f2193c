data "aws_iam_policy_document" "sso_read_logs" {
  statement {
    actions   = ["logs:GetLogEvents", "logs:FilterLogEvents"]
    resources = ["arn:aws:logs:eu-west-1:123456789012:log-group:/app/*"]
  }
}

resource "aws_ssoadmin_permission_set_inline_policy" "read_logs" {
  instance_arn       = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
  permission_set_arn = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef"
  inline_policy      = data.aws_iam_policy_document.sso_read_logs.json
}

resource "aws_ssoadmin_permission_set_inline_policy" "disabled" {
  count              = 0
  instance_arn       = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
  permission_set_arn = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-abcdef1234567890"
  inline_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
