# One branch passes, the other fails, and the condition is unresolvable.
# expect-unknown: TF-017
variable "env_is_prod" {
  type = bool
}

resource "aws_rds_cluster" "conditional" {
  engine                  = "aurora-mysql"
  backup_retention_period = var.env_is_prod ? 14 : 1
}
