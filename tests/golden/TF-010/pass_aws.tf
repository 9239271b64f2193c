resource "aws_iam_role" "pass_ci" {
  name               = "pass-ci"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "pass_ci" {
  role       = aws_iam_role.pass_ci.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

# Attached to roles and groups only: no item.
resource "aws_iam_policy_attachment" "pass_roles" {
  name       = "pass-roles"
  roles      = [aws_iam_role.pass_ci.name]
  groups     = ["auditors"]
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

# count = 0: no instance, no item.
resource "aws_iam_access_key" "disabled" {
  count = 0
  user  = "legacy"
}
