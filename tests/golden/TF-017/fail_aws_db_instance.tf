# Absent: the effective default is 0-1 day (Checkov assumes 1 and passes; we fail).
resource "aws_db_instance" "no_retention" { # expect: TF-017
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}

resource "aws_db_instance" "zero" {
  engine                  = "mysql"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 0 # expect: TF-017
}

resource "aws_db_instance" "three_days" {
  engine                  = "mysql"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 3 # expect: TF-017
}

variable "short_retention" {
  default = 1
}

resource "aws_db_instance" "from_variable" {
  engine                  = "mysql"
  instance_class          = "db.t4g.medium"
  backup_retention_period = var.short_retention # expect: TF-017
}

# Both branches of an unresolvable condition fail.
variable "use_long_retention" {
  type = bool
}

resource "aws_db_instance" "both_branches_fail" {
  engine                  = "mysql"
  instance_class          = "db.t4g.medium"
  backup_retention_period = var.use_long_retention ? 5 : 1 # expect: TF-017
}

# One instance of a literal for_each fails: that instance has no real backups.
resource "aws_db_instance" "per_tenant" {
  for_each                = { big = 14, small = 1 }
  engine                  = "mysql"
  instance_class          = "db.t4g.medium"
  backup_retention_period = each.value # expect: TF-017
}
