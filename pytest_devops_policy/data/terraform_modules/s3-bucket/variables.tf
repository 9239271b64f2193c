# Inputs of terraform-aws-modules/s3-bucket/aws (v5) that the stand-in models, with that
# module's defaults. Inputs not declared here are accepted by the real module but change
# nothing the policies read (see main.tf).

variable "create_bucket" {
  type    = bool
  default = true
}

variable "bucket" {
  type    = string
  default = null
}

variable "bucket_prefix" {
  type    = string
  default = null
}

variable "force_destroy" {
  type    = bool
  default = false
}

variable "object_lock_enabled" {
  type    = bool
  default = false
}

variable "acl" {
  type    = string
  default = null
}

variable "grant" {
  type    = any
  default = []
}

variable "versioning" {
  type    = map(string)
  default = {}
}

variable "server_side_encryption_configuration" {
  type    = any
  default = {}
}

variable "attach_policy" {
  type    = bool
  default = false
}

variable "policy" {
  type    = string
  default = null
}

variable "attach_deny_insecure_transport_policy" {
  type    = bool
  default = false
}

variable "attach_require_latest_tls_policy" {
  type    = bool
  default = false
}

variable "attach_public_policy" {
  type    = bool
  default = true
}

variable "block_public_acls" {
  type    = bool
  default = true
}

variable "block_public_policy" {
  type    = bool
  default = true
}

variable "ignore_public_acls" {
  type    = bool
  default = true
}

variable "restrict_public_buckets" {
  type    = bool
  default = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
