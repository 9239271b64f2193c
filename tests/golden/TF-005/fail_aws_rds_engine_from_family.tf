# A read replica has no engine: its parameter group's family says which engine it runs.
resource "aws_db_parameter_group" "pg13" {
  name   = "replica-pg13"
  family = "postgres13"
  parameter {
    name  = "log_connections"
    value = "1"
  }
}

resource "aws_db_instance" "pg_replica" {
  identifier           = "pg-replica"
  replicate_source_db  = "arn:aws:rds:eu-west-1:111122223333:db:primary"
  instance_class       = "db.t4g.micro"
  parameter_group_name = aws_db_parameter_group.pg13.name # expect: TF-005
}

resource "aws_db_parameter_group" "maria" {
  name   = "replica-maria"
  family = "mariadb10.11"
  parameter {
    name  = "require_secure_transport"
    value = "OFF"
  }
}

resource "aws_db_instance" "maria_restore" {
  identifier           = "maria-restore"
  snapshot_identifier  = "maria-snapshot"
  instance_class       = "db.t4g.micro"
  parameter_group_name = aws_db_parameter_group.maria.name # expect: TF-005
}
