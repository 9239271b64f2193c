# tf.stateful_types adds EBS volumes and drops S3 buckets.
resource "aws_ebs_volume" "data" { # expect: TF-015
  availability_zone = "eu-west-1a"
  size              = 100
}

resource "aws_s3_bucket" "scratch" {
  bucket = "acme-tf015-scratch"
}
