resource "aws_s3_bucket" "unversioned" { # expect: TF-018
  bucket = "acme-tf018-unversioned"
}

resource "aws_s3_bucket" "suspended" {
  bucket = "acme-tf018-suspended"
}

resource "aws_s3_bucket_versioning" "suspended" {
  bucket = aws_s3_bucket.suspended.bucket
  versioning_configuration {
    status = "Suspended" # expect: TF-018
  }
}

resource "aws_s3_bucket" "disabled_status" {
  bucket = "acme-tf018-disabled-status"
}

resource "aws_s3_bucket_versioning" "disabled_status" {
  bucket = aws_s3_bucket.disabled_status.id
  versioning_configuration {
    status = "Disabled" # expect: TF-018
  }
}

resource "aws_s3_bucket" "inline_off" {
  bucket = "acme-tf018-inline-off"
  versioning {
    enabled = false # expect: TF-018
  }
}

# low: versioning on, but anyone who may delete can purge every version
resource "aws_s3_bucket" "no_mfa_delete" {
  bucket = "acme-tf018-no-mfa"
}

resource "aws_s3_bucket_versioning" "no_mfa_delete" {
  bucket = aws_s3_bucket.no_mfa_delete.id
  versioning_configuration { # expect: TF-018
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "inline_no_mfa_delete" {
  bucket = "acme-tf018-inline-no-mfa"
  versioning { # expect: TF-018
    enabled = true
  }
}

variable "versioning_status" {
  default = "Suspended"
}

# A versioning resource for a bucket outside this module is judged on its own.
resource "aws_s3_bucket_versioning" "external" {
  bucket = "bucket-made-elsewhere"
  versioning_configuration {
    status = var.versioning_status # expect: TF-018
  }
}

# Attribute syntax for the block is read like the block.
resource "aws_s3_bucket" "attr_versioning_off" {
  bucket = "attr-versioning-off"
  versioning = { # expect: TF-018
    enabled = false
  }
}

variable "tf018_attr_versioning" {
  default = false
}

resource "aws_s3_bucket" "attr_versioning_var" {
  bucket = "attr-versioning-var"
  versioning = { # expect: TF-018
    enabled = var.tf018_attr_versioning
  }
}
