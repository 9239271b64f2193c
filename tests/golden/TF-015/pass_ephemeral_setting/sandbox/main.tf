# tf.ephemeral_paths names this sandbox.
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}
