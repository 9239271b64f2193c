resource "aws_s3_bucket" "acl_site" {
  bucket = "acme-acl-site"
  acl    = "public-read" # expect: TF-001

  # aws v3 inline grant to the AllUsers group
  grant {
    type        = "Group"
    permissions = ["READ"]
    uri         = "http://acs.amazonaws.com/groups/global/AllUsers" # expect: TF-001
  }
}

resource "aws_s3_bucket_public_access_block" "acl_site" {
  bucket                  = aws_s3_bucket.acl_site.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_acl" "acl_site" {
  bucket = aws_s3_bucket.acl_site.id
  acl    = "public-read-write" # expect: TF-001
}

resource "aws_s3_bucket_acl" "acl_site_grants" {
  bucket = aws_s3_bucket.acl_site.id

  access_control_policy {
    grant {
      grantee {
        id   = "1234567890abcdef"
        type = "CanonicalUser"
      }
      permission = "FULL_CONTROL"
    }

    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" # expect: TF-001
      }
      permission = "READ"
    }

    owner {
      id = "1234567890abcdef"
    }
  }
}

# Both branches of an unresolvable condition are public.
variable "acl_site_world_writable" {
  type = bool
}

resource "aws_s3_bucket_acl" "acl_site_conditional" {
  bucket = aws_s3_bucket.acl_site.id
  acl    = var.acl_site_world_writable ? "public-read-write" : "authenticated-read" # expect: TF-001
}
