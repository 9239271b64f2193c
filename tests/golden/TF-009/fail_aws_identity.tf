# Identity policies: every shape of the policy document (jsonencode, heredoc, data source).

resource "aws_iam_policy" "admin_everything" {
  name = "admin-everything"
  policy = jsonencode({ # expect: TF-009
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_role_policy" "s3_wildcard" {
  name = "s3-wildcard"
  role = "app"
  # a service wildcard on every resource (heredoc, a single Statement object)
  # expect-next: TF-009
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": ["s3:GetObject", "S3:*"],
    "Resource": ["*"]
  }
}
EOF
}

data "aws_iam_policy_document" "pass_any_role" {
  statement {
    actions   = ["iam:PassRole"]
    resources = ["*"]
  }
}

resource "aws_iam_user_policy" "pass_any_role" {
  name   = "pass-any-role"
  user   = "ci"
  policy = data.aws_iam_policy_document.pass_any_role.json # expect: TF-009
}

resource "aws_iam_group_policy" "not_action" {
  name  = "not-action"
  group = "developers"
  policy = jsonencode({ # expect: TF-009
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      NotAction = ["iam:*", "organizations:*"]
      Resource  = "arn:aws:s3:::acme-data/*"
    }]
  })
}

# A glob that matches iam:PassRole is iam:PassRole.
resource "aws_iam_policy" "pass_glob" {
  name = "pass-glob"
  policy = jsonencode({ # expect: TF-009
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["iam:Pass*", "ec2:RunInstances"], Resource = "*" }]
  })
}

# Allow with NotResource reaches every other resource: "*" in all but name.
resource "aws_iam_policy" "not_resource" {
  name = "not-resource"
  policy = jsonencode({ # expect: TF-009
    Version = "2012-10-17"
    Statement = [{
      Effect      = "Allow"
      Action      = "*"
      NotResource = "arn:aws:iam::*:role/break-glass"
    }]
  })
}

resource "aws_iam_role" "inline_admin" {
  name               = "inline-admin"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust_fail.json

  inline_policy {
    name = "everything"
    policy = jsonencode({ # expect: TF-009
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "*:*", Resource = "*" }]
    })
  }
}

data "aws_iam_policy_document" "ec2_trust_fail" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "assume_any" {
  name = "assume-any"
  policy = jsonencode({ # expect: TF-009
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" }]
  })
}

# The resource comes from a variable whose default is "*".
variable "fail_identity_resource" {
  default = "*"
}

resource "aws_iam_policy" "variable_star" {
  name = "variable-star"
  policy = jsonencode({ # expect: TF-009
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:*"], Resource = var.fail_identity_resource }]
  })
}

# Statements built by a dynamic block over a literal list: the second one is "*".
locals {
  fail_identity_statements = [
    { actions = ["sqs:SendMessage"], resources = ["arn:aws:sqs:eu-west-1:123456789012:jobs"] },
    { actions = ["*"], resources = ["*"] },
  ]
}

data "aws_iam_policy_document" "dynamic_statements" {
  dynamic "statement" {
    for_each = local.fail_identity_statements
    content {
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_policy" "dynamic_statements" {
  name   = "dynamic-statements"
  policy = data.aws_iam_policy_document.dynamic_statements.json # expect: TF-009
}
