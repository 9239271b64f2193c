# Values that do not resolve: each item is Unknown, never a pass or a guess.
# expect-unknown: TF-009

variable "unknown_resource" {
  type = string
}

resource "aws_iam_policy" "unknown_resource" {
  name = "unknown-resource"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = var.unknown_resource }]
  })
}

variable "unknown_scoped" {
  type = bool
}

resource "aws_s3_bucket" "unknown_data" {
  bucket = "acme-unknown-data"
}

# One branch names a bucket, the other is "*": undecided.
resource "aws_iam_policy" "unknown_conditional" {
  name = "unknown-conditional"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:*"
      Resource = var.unknown_scoped ? aws_s3_bucket.unknown_data.arn : "*"
    }]
  })
}

variable "unknown_policy_json" {
  type = string
}

resource "aws_iam_role_policy" "unknown_document" {
  name   = "unknown-document"
  role   = "app"
  policy = var.unknown_policy_json
}

resource "aws_iam_policy" "unknown_template" {
  name   = "unknown-template"
  policy = templatefile("${path.module}/policy.json.tftpl", { bucket = "acme" })
}

# file() outside the repository is not read.
resource "aws_iam_policy" "unknown_outside" {
  name   = "unknown-outside"
  policy = file("/etc/hostname")
}

variable "unknown_effect" {
  type = string
}

resource "aws_iam_policy" "unknown_effect" {
  name = "unknown-effect"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = var.unknown_effect, Action = "*", Resource = "*" }]
  })
}

variable "unknown_principal" {
  type = string
}

resource "aws_iam_role" "unknown_principal" {
  name = "unknown-principal"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = var.unknown_principal }
    }]
  })
}

variable "unknown_sub" {
  type = list(string)
}

resource "aws_iam_role" "unknown_github_sub" {
  name = "unknown-github-sub"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = var.unknown_sub } }
    }]
  })
}

variable "unknown_policy_arn" {
  type = string
}

resource "aws_iam_role_policy_attachment" "unknown_arn" {
  role       = "app"
  policy_arn = var.unknown_policy_arn
}

# Merged documents are not evaluated shallowly.
data "aws_iam_policy_document" "unknown_merged" {
  source_policy_documents = [data.aws_iam_policy_document.pass_any_role.json]
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::acme/*"]
  }
}

resource "aws_iam_policy" "unknown_merged" {
  name   = "unknown-merged"
  policy = data.aws_iam_policy_document.unknown_merged.json
}
