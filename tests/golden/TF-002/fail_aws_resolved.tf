variable "fail_encrypted" {
  default = false
}

resource "aws_db_instance" "from_variable" {
  engine            = "mysql"
  instance_class    = "db.t4g.medium"
  storage_encrypted = var.fail_encrypted # expect: TF-002
}

variable "fail_toggle" {
  type = bool
}

# Both branches leave it unencrypted.
resource "aws_efs_file_system" "both" {
  encrypted = var.fail_toggle ? false : "false" # expect: TF-002
}

# One instance of a literal for_each is unencrypted.
resource "aws_ebs_volume" "per_env" {
  for_each          = { prod = true, dev = false }
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = each.value # expect: TF-002
}

resource "aws_instance" "dynamic_disks" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = true
  }
  dynamic "ebs_block_device" { # expect: TF-002
    for_each = ["/dev/sdf"]
    content {
      device_name = ebs_block_device.value
    }
  }
}
