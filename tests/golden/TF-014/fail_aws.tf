# deletion_protection absent: the default is false.
resource "aws_db_instance" "unprotected" { # expect: TF-014
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}

resource "aws_rds_cluster" "off" {
  engine              = "aurora-mysql"
  deletion_protection = false # expect: TF-014
}

resource "aws_docdb_cluster" "unprotected" { # expect: TF-014
  cluster_identifier = "documents"
}

variable "protect_graph" {
  default = false
}

resource "aws_neptune_cluster" "from_variable" {
  deletion_protection = var.protect_graph # expect: TF-014
}

resource "aws_dynamodb_table" "unprotected" { # expect: TF-014
  name     = "sessions"
  hash_key = "id"
}

# medium: a load balancer holds no data, but its DNS name is referenced everywhere
resource "aws_lb" "unprotected" { # expect: TF-014
  name = "web"
}

resource "aws_alb" "off" {
  name                       = "api"
  enable_deletion_protection = false # expect: TF-014
}

resource "aws_s3_bucket" "force_destroy" {
  bucket        = "acme-tf014-force"
  force_destroy = true # expect: TF-014
}

# low: a short window leaves little time to cancel a scheduled key deletion
resource "aws_kms_key" "short_window" {
  description             = "short"
  deletion_window_in_days = 7 # expect: TF-014
}

resource "aws_cognito_user_pool" "default_inactive" { # expect: TF-014
  name = "users"
}

resource "aws_cognito_user_pool" "inactive" {
  name                = "admins"
  deletion_protection = "INACTIVE" # expect: TF-014
}

# One instance of a literal for_each is unprotected.
resource "aws_db_instance" "per_tenant" {
  for_each            = { big = true, small = false }
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  deletion_protection = each.value # expect: TF-014
}

# Both branches of an unresolvable condition leave it unprotected.
variable "cheap" {
  type = bool
}

resource "aws_rds_cluster" "both_branches" {
  engine              = "aurora-postgresql"
  deletion_protection = var.cheap ? false : null # expect: TF-014
}
