# The module path matches tf.prod_paths: production without tags.
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.r6g.large"
  multi_az       = false # expect: TF-019
}
