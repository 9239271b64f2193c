# Scoped identity policies, conditioned PassRole/AssumeRole, narrow trusts.

resource "aws_s3_bucket" "pass_data" {
  bucket = "acme-pass-data"
}

resource "aws_iam_policy" "scoped" {
  name = "scoped"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "${aws_s3_bucket.pass_data.arn}/*"
      },
      {
        Effect   = "Allow"
        Action   = "s3:*"
        Resource = [aws_s3_bucket.pass_data.arn]
      },
      # Deny never grants: a Deny "*" on "*" is fine.
      { Effect = "Deny", Action = "*", Resource = "*", Condition = { Bool = { "aws:MultiFactorAuthPresent" = "false" } } },
      # Read-only patterns on "*" are not service wildcards.
      { Effect = "Allow", Action = ["ec2:Describe*", "cloudwatch:Get*"], Resource = "*" },
    ]
  })
}

# Interpolated ARNs in a heredoc name one resource each: not "*".
resource "aws_iam_role_policy" "heredoc_scoped" {
  name   = "heredoc-scoped"
  role   = "app"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "s3:*",
    "Resource": ["${aws_s3_bucket.pass_data.arn}", "${aws_s3_bucket.pass_data.arn}/*"]
  }]
}
EOF
}

data "aws_iam_policy_document" "pass_role_conditioned" {
  statement {
    actions   = ["iam:PassRole"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
  statement {
    actions   = ["sts:AssumeRole"]
    resources = ["arn:aws:iam::123456789012:role/deploy"]
  }
}

resource "aws_iam_user_policy" "pass_role_conditioned" {
  name   = "pass-role-conditioned"
  user   = "ci"
  policy = data.aws_iam_policy_document.pass_role_conditioned.json
}

variable "pass_table_arn" {
  default = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
}

resource "aws_iam_group_policy" "variable_scoped" {
  name  = "variable-scoped"
  group = "developers"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:*", Resource = var.pass_table_arn }]
  })
}

# count = 0: no instance, no item.
resource "aws_iam_policy" "disabled_admin" {
  count = 0
  name  = "disabled-admin"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_role" "service_trust" {
  name = "service-trust"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

# Principal "*" restricted to the organisation.
resource "aws_iam_role" "org_trust" {
  name = "org-trust"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "*" }
      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc123" } }
    }]
  })
}

resource "aws_iam_openid_connect_provider" "github_pass" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

data "aws_iam_policy_document" "github_one_repo" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github_pass.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:acme/app:ref:refs/heads/main", "repo:acme/app:environment:prod"]
    }
  }
}

resource "aws_iam_role" "github_one_repo" {
  name               = "github-one-repo"
  assume_role_policy = data.aws_iam_policy_document.github_one_repo.json
}

resource "aws_iam_role" "github_exact" {
  name = "github-exact"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:sub" = "repo:acme/app:ref:refs/heads/main" }
      }
    }]
  })
}

# The default key policy: the account root gets kms:* on "*" (this key).
data "aws_caller_identity" "current" {}

resource "aws_kms_key" "default_policy" {
  description = "default key policy"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableRoot"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "ViaS3"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = {
            "kms:CallerAccount" = "123456789012"
            "kms:ViaService"    = "s3.eu-west-1.amazonaws.com"
          }
        }
      },
    ]
  })
}

# An aws_kms_key or aws_s3_bucket without a policy gets no item.
resource "aws_kms_key" "no_policy" {
  description = "no policy"
}

resource "aws_iam_role_policy_attachment" "read_only" {
  role       = "auditor"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role_policy_attachment" "customer_managed" {
  role       = "app"
  policy_arn = aws_iam_policy.scoped.arn
}

# GitHub Enterprise Cloud with a unique issuer: the sub key carries the enterprise slug.
resource "aws_iam_role" "github_enterprise_issuer" {
  name = "github-enterprise-issuer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com/example-ent" }
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com/example-ent:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com/example-ent:sub" = "repo:example-org/deploy:environment:production"
        }
      }
    }]
  })
}
