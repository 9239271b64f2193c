# Encryption by default exists but is switched off.
resource "aws_ebs_encryption_by_default" "off" {
  enabled = false
}

resource "aws_ebs_volume" "not_covered" { # expect: TF-002
  availability_zone = "eu-west-1a"
  size              = 10
}
