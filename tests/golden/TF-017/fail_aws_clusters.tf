# Aurora defaults to 1 day of retention.
resource "aws_rds_cluster" "default_retention" { # expect: TF-017
  engine = "aurora-postgresql"
}

resource "aws_docdb_cluster" "five_days" {
  backup_retention_period = 5 # expect: TF-017
}
