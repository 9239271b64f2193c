# Trust policies (aws_iam_role.assume_role_policy).

resource "aws_iam_role" "anyone_aws" {
  name = "anyone-aws"
  assume_role_policy = jsonencode({ # expect: TF-009
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "*" }
    }]
  })
}

data "aws_iam_policy_document" "trust_star" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root", "*"]
    }
  }
}

resource "aws_iam_role" "anyone_document" {
  name               = "anyone-document"
  assume_role_policy = data.aws_iam_policy_document.trust_star.json # expect: TF-009
}

# An ...IfExists condition holds when the key is absent: no restriction.
resource "aws_iam_role" "anyone_ifexists" {
  name = "anyone-ifexists"
  # expect-next: TF-009
  assume_role_policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": "*",
        "Condition": {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}}
      }]
    }
  EOF
}

# GitHub OIDC without a sub condition: any repository on GitHub.
resource "aws_iam_role" "github_no_sub" {
  name = "github-no-sub"
  assume_role_policy = jsonencode({ # expect: TF-009
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
      }
    }]
  })
}

resource "aws_iam_openid_connect_provider" "github_fail" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

# The provider by reference; StringLike on any repository of the organisation.
data "aws_iam_policy_document" "github_org_wide" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github_fail.arn]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:acme/*:*"]
    }
  }
}

resource "aws_iam_role" "github_org_wide" {
  name               = "github-org-wide"
  assume_role_policy = data.aws_iam_policy_document.github_org_wide.json # expect: TF-009
}

resource "aws_iam_role" "github_any_repo" {
  name = "github-any-repo"
  # expect-next: TF-009
  assume_role_policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Principal": {"Federated": "${aws_iam_openid_connect_provider.github_fail.arn}"},
    "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}
  }]
}
EOF
}

# The enterprise-issuer sub key is read like the plain one: an org-wide StringLike fails.
resource "aws_iam_role" "github_enterprise_org_wide" {
  name = "github-enterprise-org-wide"
  assume_role_policy = jsonencode({ # expect: TF-009
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com/example-ent" }
      Condition = {
        StringLike = { "token.actions.githubusercontent.com/example-ent:sub" = "repo:*" }
      }
    }]
  })
}
