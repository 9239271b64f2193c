resource "aws_iam_policy" "from_file" {
  name   = "from-file"
  policy = file("${path.module}/policies/read.json")
}
