# IAM Identity Center permission set inline policies are identity policies of every
# assigned user and group. Data source labels written as identifiers (unquoted) are valid HCL.

data aws_iam_policy_document sso_admin {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}

resource aws_ssoadmin_permission_set_inline_policy admin {
  instance_arn       = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
  permission_set_arn = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef"
  inline_policy      = data.aws_iam_policy_document.sso_admin.json # expect: TF-009
}

resource "aws_ssoadmin_permission_set_inline_policy" "iam_star" {
  instance_arn       = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
  permission_set_arn = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-abcdef1234567890"
  inline_policy = jsonencode({ # expect: TF-009
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:*"
      Resource = "*"
    }]
  })
}
