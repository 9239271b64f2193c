resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"

  lifecycle {
    prevent_destroy = true
  }
}

# Resources with count or for_each need it too, and have it.
resource "aws_s3_bucket" "per_tenant" {
  for_each = toset(["a", "b"])
  bucket   = "acme-tf015-${each.key}"

  lifecycle {
    prevent_destroy       = true
    create_before_destroy = false
  }
}

resource "aws_dynamodb_table" "sessions" {
  count    = 2
  name     = "sessions-${count.index}"
  hash_key = "id"

  lifecycle {
    ignore_changes  = [read_capacity]
    prevent_destroy = true
  }
}

resource "aws_kms_key" "protected" {
  lifecycle {
    prevent_destroy = true
  }
}

# count = 0: no instance, no item.
resource "aws_rds_cluster" "disabled" {
  count  = 0
  engine = "aurora-postgresql"
}

# Not a stateful type: no item.
resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
}
