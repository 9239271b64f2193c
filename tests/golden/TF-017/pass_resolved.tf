# Values resolved through variable defaults and locals (§5.2-2).
variable "orders_retention" {
  type    = number
  default = 10
}

locals {
  retention      = local.base_retention
  base_retention = var.orders_retention
}

resource "aws_db_instance" "resolved_var" {
  engine                  = "mysql"
  instance_class          = "db.t4g.micro"
  backup_retention_period = var.orders_retention
}

resource "aws_db_instance" "resolved_local" {
  engine                  = "mysql"
  instance_class          = "db.t4g.micro"
  backup_retention_period = local.retention
}

# An unresolvable condition, but both branches pass.
variable "is_prod" {
  type = bool
}

resource "aws_db_instance" "both_branches_pass" {
  engine                  = "mysql"
  instance_class          = "db.t4g.micro"
  backup_retention_period = var.is_prod ? 30 : 7
}

# Every instance of a literal for_each passes.
resource "aws_rds_cluster" "per_tenant" {
  for_each                = { a = 14, b = 7 }
  engine                  = "aurora-mysql"
  backup_retention_period = each.value
}
