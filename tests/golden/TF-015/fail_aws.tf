resource "aws_db_instance" "no_lifecycle" { # expect: TF-015
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}

resource "aws_rds_cluster" "lifecycle_without_it" {
  engine = "aurora-postgresql"

  lifecycle { # expect: TF-015
    ignore_changes = [master_password]
  }
}

resource "aws_s3_bucket" "explicitly_off" {
  bucket = "acme-tf015-off"

  lifecycle {
    prevent_destroy = false # expect: TF-015
  }
}

# count and for_each resources still need it.
resource "aws_dynamodb_table" "per_tenant" { # expect: TF-015
  for_each = toset(["a", "b"])
  name     = "table-${each.key}"
  hash_key = "id"
}

resource "aws_efs_file_system" "shared" { # expect: TF-015
  count          = 1
  creation_token = "shared"
}

resource "aws_elasticache_replication_group" "cache" { # expect: TF-015
  replication_group_id = "cache"
  description          = "cache"
}

resource "aws_kms_key" "data" { # expect: TF-015
  description = "data"
}

resource "aws_backup_vault" "vault" { # expect: TF-015
  name = "vault"
}

resource "aws_docdb_cluster" "docs" { # expect: TF-015
  cluster_identifier = "docs"
}

resource "aws_neptune_cluster" "graph" { # expect: TF-015
  cluster_identifier = "graph"
}

resource "aws_redshift_cluster" "warehouse" { # expect: TF-015
  cluster_identifier = "warehouse"
  node_type          = "ra3.xlplus"
}

# Terraform rejects variables here: the configuration does not even validate.
variable "protect" {
  default = true
}

resource "aws_s3_bucket" "variable_lifecycle" {
  bucket = "acme-tf015-var"

  lifecycle {
    prevent_destroy = var.protect # expect: TF-015
  }
}
