resource "aws_db_instance" "db" { # expect: TF-014
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  deletion_protection = true
}
