# tf.min_backup_days = 3 (see the sibling .toml): 3 days is enough here.
resource "aws_db_instance" "short_lived" {
  engine                  = "postgres"
  instance_class          = "db.t4g.micro"
  backup_retention_period = 3
}
