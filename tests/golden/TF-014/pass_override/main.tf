variable "protect" {
  default = false
}

resource "aws_db_instance" "db" {
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  deletion_protection = var.protect
}
