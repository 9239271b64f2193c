# A policy document kept in a JSON file of the repository (file()).
resource "aws_iam_policy" "from_file" {
  name   = "from-file"
  policy = file("${path.module}/policies/admin.json") # expect: TF-009
}

resource "aws_iam_role" "trust_from_file" {
  name               = "trust-from-file"
  assume_role_policy = file("policies/trust.json") # expect: TF-009
}
