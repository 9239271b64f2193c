# Dev stacks are ephemeral: N/A.
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}
