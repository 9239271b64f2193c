# OpenSearch / Elasticsearch: no encrypt_at_rest block means unencrypted.
resource "aws_opensearch_domain" "no_block" { # expect: TF-002
  domain_name    = "logs"
  engine_version = "OpenSearch_2.11"
}

resource "aws_opensearch_domain" "off" {
  domain_name    = "search"
  engine_version = "OpenSearch_2.11"
  encrypt_at_rest {
    enabled = false # expect: TF-002
  }
}

resource "aws_elasticsearch_domain" "legacy" { # expect: TF-002
  domain_name           = "legacy"
  elasticsearch_version = "7.10"
}

# The block written as an attribute object is read like the block.
resource "aws_elasticsearch_domain" "object_off" {
  domain_name           = "legacy-object"
  elasticsearch_version = "7.10"
  encrypt_at_rest       = { enabled = "false" } # expect: TF-002
}

resource "aws_opensearch_domain" "dynamic_off" {
  domain_name = "dynamic"
  dynamic "encrypt_at_rest" {
    for_each = [false]
    content {
      enabled = encrypt_at_rest.value # expect: TF-002
    }
  }
}

# DocumentDB and Neptune: storage_encrypted defaults to false.
resource "aws_docdb_cluster" "docs" { # expect: TF-002
  cluster_identifier = "docs"
  master_username    = "admin"
}

resource "aws_docdb_cluster" "docs_off" {
  cluster_identifier = "docs-off"
  storage_encrypted  = false # expect: TF-002
}

resource "aws_neptune_cluster" "graph" { # expect: TF-002
  cluster_identifier = "graph"
  engine             = "neptune"
}

variable "fail_graph_encrypted" {
  default = "false"
}

resource "aws_neptune_cluster" "graph_variable" {
  cluster_identifier = "graph-variable"
  storage_encrypted  = var.fail_graph_encrypted # expect: TF-002
}

# Kinesis: encryption_type defaults to NONE.
resource "aws_kinesis_stream" "events" { # expect: TF-002
  name        = "events"
  shard_count = 1
}

resource "aws_kinesis_stream" "none" {
  name            = "none"
  shard_count     = 1
  encryption_type = "NONE" # expect: TF-002
}

locals {
  fail_stream_encryption = "NONE"
}

resource "aws_kinesis_stream" "from_local" {
  name            = "from-local"
  shard_count     = 1
  encryption_type = local.fail_stream_encryption # expect: TF-002
}

# Redshift: only an explicit false (an older cluster kept unencrypted) fails.
resource "aws_redshift_cluster" "warehouse" {
  cluster_identifier = "warehouse"
  node_type          = "ra3.xlplus"
  encrypted          = false # expect: TF-002
}

resource "aws_redshift_cluster" "warehouse_string" {
  cluster_identifier = "warehouse-string"
  node_type          = "ra3.xlplus"
  encrypted          = "false" # expect: TF-002
}

# DAX: server_side_encryption defaults to off.
resource "aws_dax_cluster" "cache" { # expect: TF-002
  cluster_name       = "cache"
  iam_role_arn       = "arn:aws:iam::123456789012:role/dax"
  node_type          = "dax.r4.large"
  replication_factor = 1
}

resource "aws_dax_cluster" "cache_off" {
  cluster_name       = "cache-off"
  iam_role_arn       = "arn:aws:iam::123456789012:role/dax"
  node_type          = "dax.r4.large"
  replication_factor = 1
  server_side_encryption {
    enabled = false # expect: TF-002
  }
}

resource "aws_dax_cluster" "cache_empty_block" {
  cluster_name       = "cache-empty"
  iam_role_arn       = "arn:aws:iam::123456789012:role/dax"
  node_type          = "dax.r4.large"
  replication_factor = 1
  server_side_encryption { # expect: TF-002
  }
}
