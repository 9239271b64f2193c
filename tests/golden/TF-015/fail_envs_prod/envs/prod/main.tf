# Only the configured ephemeral paths are exempt.
resource "aws_db_instance" "orders" { # expect: TF-015
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}
