# One aws_ebs_encryption_by_default (enabled defaults to true) covers every new volume.
resource "aws_ebs_encryption_by_default" "this" {}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
}

resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  ebs_block_device {
    device_name = "/dev/sdf"
  }
}

resource "aws_launch_template" "web" {
  image_id = "ami-12345678"
}

resource "aws_launch_configuration" "legacy" {
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = false
  }
}
