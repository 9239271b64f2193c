resource "aws_kms_key" "rotated" {
  description         = "data"
  enable_key_rotation = true
}

resource "aws_kms_key" "string_bool" {
  enable_key_rotation     = "true"
  rotation_period_in_days = 180
}

resource "aws_kms_key" "symmetric" {
  customer_master_key_spec = "SYMMETRIC_DEFAULT"
  enable_key_rotation      = true
  rotation_period_in_days  = 365
}

# Asymmetric and HMAC keys cannot rotate automatically: N/A.
resource "aws_kms_key" "signing" {
  customer_master_key_spec = "RSA_4096"
  key_usage                = "SIGN_VERIFY"
}

resource "aws_kms_key" "hmac" {
  customer_master_key_spec = "HMAC_256"
  key_usage                = "GENERATE_VERIFY_MAC"
}

resource "aws_kms_key" "ecc" {
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
}

# Keys in a custom key store (CloudHSM / external) cannot rotate automatically: N/A.
resource "aws_kms_key" "hsm" {
  custom_key_store_id = aws_cloudhsm_v2_cluster.hsm.cluster_id
}

variable "pass_rotate" {
  default = true
}

resource "aws_kms_key" "from_variable" {
  enable_key_rotation = var.pass_rotate
}

resource "aws_kms_key" "disabled" {
  count = 0
}
