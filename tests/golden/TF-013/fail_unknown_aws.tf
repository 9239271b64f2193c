# var.rotate_keys has no default: cannot be checked statically.
# expect-unknown: TF-013
variable "rotate_keys" {
  type = bool
}

resource "aws_kms_key" "unknown" {
  enable_key_rotation = var.rotate_keys
}

# The key spec does not resolve: an asymmetric key would be exempt.
variable "key_spec" {
  type = string
}

resource "aws_kms_key" "unknown_spec" {
  customer_master_key_spec = var.key_spec
}
