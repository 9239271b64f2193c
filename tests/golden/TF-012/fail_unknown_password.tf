# Either RDS manages the password or a static one is passed, depending on var.use_static.
# expect-unknown: TF-012
variable "use_static" {
  type = bool
}

resource "aws_db_instance" "maybe_static" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  password       = var.use_static ? "change-me-please" : null
}
