# Stand-in for the registry module terraform-aws-modules/s3-bucket/aws, written against v5
# (read at v5.15.4). pytest-devops-policy evaluates a call of that module as a call of this
# directory: the call's arguments set these variables, and the policies judge the resources
# below. It is written for that purpose only (never applied) and shares no code with the
# real module; the variables carry the real module's defaults for the inputs modelled here.
#
# Modelled: the bucket (force_destroy, object_lock_enabled), its ACL and grants, versioning,
# server-side encryption, the bucket policy the module assembles (attach_policy + policy,
# attach_deny_insecure_transport_policy, attach_require_latest_tls_policy) and the public
# access block (attach_public_policy, default true, with all four settings true).
#
# The real module (AWS provider >= 6) creates aws_s3_bucket_acl, _versioning,
# _server_side_encryption_configuration and _policy as separate resources, each only when
# its input is set. Here they are the equivalent nested blocks and attributes of the bucket
# (the provider v3 forms, which the policies read the same way): a dynamic block exists
# exactly when its input is set, whereas a separate resource with a conditional count would
# be judged even when the call does not create it.
#
# Left out:
# - the policy statements of attach_elb_log_delivery_policy, attach_lb_log_delivery_policy,
#   attach_access_log_delivery_policy, attach_cloudtrail_log_delivery_policy,
#   attach_waf_log_delivery_policy, attach_inventory_destination_policy,
#   attach_analytics_destination_policy and the attach_deny_* upload-encryption statements
#   (Allow statements for AWS service principals and Deny statements that no policy reads);
# - logging (no policy reads S3 server access logging today), lifecycle rules, replication,
#   CORS, website, object lock configuration rules, intelligent tiering, inventory, metrics,
#   analytics, ownership controls, directory buckets (is_directory_bucket);
# - the "_S3_BUCKET_ID_"-style placeholders the real module substitutes in var.policy.

locals {
  # "_S3_BUCKET_ARN_" stands for the bucket's ARN (the real module's placeholder): a
  # reference to the bucket would leave the statement list unresolved.
  policy_statements = concat(
    var.attach_deny_insecure_transport_policy ? [{
      Sid       = "denyInsecureTransport"
      Effect    = "Deny"
      Action    = "s3:*"
      Principal = "*"
      Resource  = ["_S3_BUCKET_ARN_", "_S3_BUCKET_ARN_/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }] : [],
    var.attach_require_latest_tls_policy ? [{
      Sid       = "denyOutdatedTLS"
      Effect    = "Deny"
      Action    = "s3:*"
      Principal = "*"
      Resource  = ["_S3_BUCKET_ARN_", "_S3_BUCKET_ARN_/*"]
      Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
    }] : [],
    var.attach_policy ? jsondecode(var.policy).Statement : [],
  )
}

resource "aws_s3_bucket" "this" {
  count = var.create_bucket ? 1 : 0

  bucket              = var.bucket
  bucket_prefix       = var.bucket_prefix
  force_destroy       = var.force_destroy
  object_lock_enabled = var.object_lock_enabled

  # aws_s3_bucket_acl.this in the real module ("null" is its Terragrunt spelling of null)
  acl = var.acl == "null" ? null : var.acl

  dynamic "grant" {
    for_each = var.grant
    content {
      type        = grant.value.type
      id          = lookup(grant.value, "id", null)
      uri         = lookup(grant.value, "uri", null)
      permissions = [grant.value.permission]
    }
  }

  # aws_s3_bucket_versioning.this in the real module, created when var.versioning is not
  # empty; its status reads "enabled" first, then "status", and is "Enabled" otherwise.
  dynamic "versioning" {
    for_each = length(keys(var.versioning)) > 0 ? [var.versioning] : []
    content {
      enabled    = lookup(versioning.value, "enabled", null) != null ? tobool(versioning.value["enabled"]) : lookup(versioning.value, "status", null) != null ? contains(["true", "enabled"], lower(tostring(versioning.value["status"]))) : true
      mfa_delete = lookup(versioning.value, "mfa_delete", null) != null ? contains(["true", "enabled"], lower(tostring(versioning.value["mfa_delete"]))) : null
    }
  }

  # aws_s3_bucket_server_side_encryption_configuration.this in the real module, created when
  # var.server_side_encryption_configuration is not empty. Without it S3 encrypts with
  # SSE-S3 (the account default since January 2023).
  dynamic "server_side_encryption_configuration" {
    for_each = length(keys(var.server_side_encryption_configuration)) > 0 ? [var.server_side_encryption_configuration] : []
    content {
      dynamic "rule" {
        for_each = [server_side_encryption_configuration.value.rule]
        content {
          bucket_key_enabled = lookup(rule.value, "bucket_key_enabled", null)

          dynamic "apply_server_side_encryption_by_default" {
            for_each = [rule.value.apply_server_side_encryption_by_default]
            content {
              sse_algorithm     = apply_server_side_encryption_by_default.value.sse_algorithm
              kms_master_key_id = lookup(apply_server_side_encryption_by_default.value, "kms_master_key_id", null)
            }
          }
        }
      }
    }
  }

  # aws_s3_bucket_policy.this in the real module: one document combining the statements of
  # the attach_* inputs that are true, created when one of them is. Here the document is
  # always there, with no statement when none is attached (which the policies read as no
  # grant and no deny, like a missing bucket policy).
  policy = jsonencode({ Version = "2012-10-17", Statement = local.policy_statements })

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  count = var.create_bucket && var.attach_public_policy ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  # A resource whose count is a conditional is judged as if it existed: without the block
  # (attach_public_policy = false) nothing blocks public access, which the settings say.
  block_public_acls       = var.attach_public_policy ? var.block_public_acls : false
  block_public_policy     = var.attach_public_policy ? var.block_public_policy : false
  ignore_public_acls      = var.attach_public_policy ? var.ignore_public_acls : false
  restrict_public_buckets = var.attach_public_policy ? var.restrict_public_buckets : false
}
