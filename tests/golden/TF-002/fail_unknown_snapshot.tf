# Created from a snapshot: encrypted exactly when the snapshot is.
# expect-unknown: TF-002
resource "aws_ebs_volume" "restored" {
  availability_zone = "eu-west-1a"
  snapshot_id       = "snap-0123456789abcdef0"
}
