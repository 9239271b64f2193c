# AWS managed policies that grant (almost) everything.

resource "aws_iam_role_policy_attachment" "admin" {
  role       = "deployer"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess" # expect: TF-009
}

resource "aws_iam_user_policy_attachment" "iam_full" {
  user       = "ops"
  policy_arn = "arn:aws-us-gov:iam::aws:policy/IAMFullAccess" # expect: TF-009
}

# PowerUserAccess: medium.
resource "aws_iam_group_policy_attachment" "power" {
  group      = "developers"
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/PowerUserAccess" # expect: TF-009
}

data "aws_partition" "current" {}

data "aws_iam_policy" "administrator" {
  name = "AdministratorAccess"
}

resource "aws_iam_policy_attachment" "admin_by_data" {
  name       = "admin-by-data"
  roles      = ["deployer"]
  policy_arn = data.aws_iam_policy.administrator.arn # expect: TF-009
}

resource "aws_iam_role" "managed_admin" {
  name                = "managed-admin"
  assume_role_policy  = data.aws_iam_policy_document.ec2_trust_fail.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"] # expect: TF-009
}
