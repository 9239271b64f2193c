variable "pass_encrypted" {
  default = true
}

locals {
  encrypt = var.pass_encrypted
}

resource "aws_db_instance" "from_variable" {
  engine            = "mysql"
  instance_class    = "db.t4g.medium"
  storage_encrypted = local.encrypt
}

# A replica only when var.replica_source is set: null by default, so a primary, encrypted.
variable "replica_source" {
  default = null
}

resource "aws_db_instance" "maybe_replica" {
  replicate_source_db = var.replica_source
  instance_class      = "db.t4g.medium"
  storage_encrypted   = true
}

variable "pass_toggle" {
  type = bool
}

# Both branches encrypt.
resource "aws_efs_file_system" "both" {
  encrypted = var.pass_toggle ? true : "true"
}

resource "aws_ebs_volume" "per_env" {
  for_each          = { prod = true, dev = true }
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = each.value
}

resource "aws_instance" "dynamic_disks" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = true
  }
  dynamic "ebs_block_device" {
    for_each = ["/dev/sdf", "/dev/sdg"]
    content {
      device_name = ebs_block_device.value
      encrypted   = true
    }
  }
}
