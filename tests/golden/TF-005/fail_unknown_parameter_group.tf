# The parameter group comes from a variable without default: cannot be checked.
# expect-unknown: TF-005
variable "db_parameter_group" {
  type = string
}

resource "aws_db_instance" "external_group" {
  engine               = "mysql"
  engine_version       = "8.0"
  instance_class       = "db.t4g.micro"
  parameter_group_name = var.db_parameter_group
}
