resource "aws_kms_key" "default" { # expect: TF-013
  description = "data"
}

resource "aws_kms_key" "off" {
  enable_key_rotation = false # expect: TF-013
}

resource "aws_kms_key" "symmetric" {
  customer_master_key_spec = "SYMMETRIC_DEFAULT"
  enable_key_rotation      = "false" # expect: TF-013
}

resource "aws_kms_key" "slow" {
  enable_key_rotation     = true
  rotation_period_in_days = 730 # expect: TF-013
}

variable "fail_rotate" {
  default = false
}

resource "aws_kms_key" "from_variable" {
  enable_key_rotation = var.fail_rotate # expect: TF-013
}

resource "aws_kms_key" "per_tenant" {
  for_each            = { a = true, b = false }
  enable_key_rotation = each.value # expect: TF-013
}
