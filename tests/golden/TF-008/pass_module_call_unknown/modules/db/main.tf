variable "public" {
  type = bool
}

variable "protect" {
  default = false
}

resource "aws_db_instance" "this" {
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  publicly_accessible = var.public
  deletion_protection = var.protect
}
