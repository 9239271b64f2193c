# var.validation_method has no default: cannot be checked statically.
# expect-unknown: TF-030
variable "validation_method" {
  type = string
}

resource "aws_acm_certificate" "from_variable" {
  domain_name       = "var.example.com"
  validation_method = var.validation_method

  lifecycle {
    create_before_destroy = true
  }
}
