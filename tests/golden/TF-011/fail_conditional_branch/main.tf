variable "use_generated" {
  type = bool
}

resource "random_password" "db" {
  length = 32
}

resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  password       = var.use_generated ? random_password.db.result : "F4llback-P4ssw0rd" # expect: TF-011
}
