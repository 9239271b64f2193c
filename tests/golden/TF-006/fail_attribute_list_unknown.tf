# The rule list is a variable without a default: its rules cannot be read.
# expect-unknown: TF-006
variable "ingress_rules" {
  type = list(any)
}

resource "aws_security_group" "from_variable" {
  name    = "from-variable"
  ingress = var.ingress_rules
}
