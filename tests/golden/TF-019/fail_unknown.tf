# Production or not depends on var.tags, which has no default: the missing multi_az is
# Unknown, not a pass.
# expect-unknown: TF-019
variable "tags" {
  type = map(string)
}

resource "aws_db_instance" "maybe_production" {
  engine         = "postgres"
  instance_class = "db.r6g.large"
  tags           = var.tags
}

# ... while one that is highly available passes either way.
resource "aws_db_instance" "maybe_production_ha" {
  engine         = "postgres"
  instance_class = "db.r6g.large"
  multi_az       = true
  tags           = var.tags
}
