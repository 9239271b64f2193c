# Not a production path: N/A.
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.r6g.large"
  multi_az       = false
}
