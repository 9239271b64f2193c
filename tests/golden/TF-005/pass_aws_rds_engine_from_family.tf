# Engine-less replicas judged by their parameter group's family.
resource "aws_db_parameter_group" "pg16" {
  name   = "replica-pg16"
  family = "postgres16" # PostgreSQL 15+ defaults to rds.force_ssl = 1
}

resource "aws_db_instance" "pg16_replica" {
  identifier           = "pg16-replica"
  replicate_source_db  = "arn:aws:rds:eu-west-1:111122223333:db:primary"
  instance_class       = "db.t4g.micro"
  parameter_group_name = aws_db_parameter_group.pg16.name
}

resource "aws_db_parameter_group" "mysql" {
  name   = "replica-mysql"
  family = "mysql8.0"
  parameter {
    name  = "require_secure_transport"
    value = "1"
  }
}

resource "aws_db_instance" "mysql_replica" {
  identifier           = "mysql-replica"
  replicate_source_db  = "mysql-primary"
  instance_class       = "db.t4g.micro"
  parameter_group_name = aws_db_parameter_group.mysql.name
}

# Without a parameter group the engine is unknown here: the source decides.
resource "aws_db_instance" "plain_replica" {
  identifier          = "plain-replica"
  replicate_source_db = "some-primary"
  instance_class      = "db.t4g.micro"
}
