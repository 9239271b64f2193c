resource "aws_db_instance" "protected" {
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  deletion_protection = true
}

# Terraform converts the string "true" to a bool.
resource "aws_rds_cluster" "protected" {
  engine              = "aurora-postgresql"
  deletion_protection = "true"
}

variable "protect_documents" {
  default = true
}

resource "aws_docdb_cluster" "protected" {
  deletion_protection = var.protect_documents
}

locals {
  protect = true
}

resource "aws_neptune_cluster" "protected" {
  deletion_protection = local.protect
}

resource "aws_dynamodb_table" "protected" {
  name                        = "orders"
  hash_key                    = "id"
  deletion_protection_enabled = true
}

resource "aws_lb" "protected" {
  name                       = "web"
  enable_deletion_protection = true
}

resource "aws_alb" "protected" {
  name                       = "api"
  enable_deletion_protection = true
}

# force_destroy absent or false: destroy fails on a non-empty bucket.
resource "aws_s3_bucket" "default_force_destroy" {
  bucket = "acme-tf014-default"
}

resource "aws_s3_bucket" "no_force_destroy" {
  bucket        = "acme-tf014-no-force"
  force_destroy = false
}

# deletion_window_in_days absent: the default is 30 days.
resource "aws_kms_key" "default_window" {
  description = "default window"
}

resource "aws_kms_key" "full_window" {
  description             = "full window"
  deletion_window_in_days = 30
}

resource "aws_cognito_user_pool" "protected" {
  name                = "users"
  deletion_protection = "ACTIVE"
}

# Both branches of an unresolvable condition protect the database.
variable "is_big" {
  type = bool
}

resource "aws_db_instance" "both_branches" {
  engine              = "postgres"
  instance_class      = var.is_big ? "db.r6g.large" : "db.t4g.medium"
  deletion_protection = var.is_big ? true : "true"
}

# count = 0: no instance, no item.
resource "aws_db_instance" "disabled" {
  count          = 0
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}
