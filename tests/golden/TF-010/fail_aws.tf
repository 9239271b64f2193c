resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_access_key" "ci" { # expect: TF-010
  user = aws_iam_user.ci.name
}

# Console password: low.
resource "aws_iam_user_login_profile" "ci" { # expect: TF-010
  user = aws_iam_user.ci.name
}

# Policies attached directly to a user: low.
resource "aws_iam_user_policy" "ci" {
  name   = "ci"
  user   = aws_iam_user.ci.name # expect: TF-010
  policy = "{}"
}

resource "aws_iam_user_policy_attachment" "ci" {
  user       = aws_iam_user.ci.name # expect: TF-010
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_policy_attachment" "ci_users" {
  name       = "ci-users"
  users      = [aws_iam_user.ci.name] # expect: TF-010
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
