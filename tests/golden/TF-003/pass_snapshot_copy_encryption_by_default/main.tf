# Encryption by default encrypts copies made in this region.
resource "aws_ebs_encryption_by_default" "this" {
  enabled = true
}

resource "aws_ebs_snapshot_copy" "copy" {
  source_snapshot_id = "snap-0123456789abcdef0"
  source_region      = "us-west-2"
}
