resource "aws_opensearch_domain" "search" {
  domain_name    = "search"
  engine_version = "OpenSearch_2.11"
  encrypt_at_rest {
    enabled    = true
    kms_key_id = "arn:aws:kms:eu-west-1:123456789012:key/0d5e1c6a-1111-2222-3333-444455556666"
  }
}

resource "aws_elasticsearch_domain" "legacy" {
  domain_name           = "legacy"
  elasticsearch_version = "7.10"
  encrypt_at_rest       = { enabled = true }
}

resource "aws_opensearch_domain" "dynamic_on" {
  domain_name = "dynamic"
  dynamic "encrypt_at_rest" {
    for_each = [true]
    content {
      enabled = encrypt_at_rest.value
    }
  }
}

variable "pass_encrypt_documents" {
  type    = bool
  default = true
}

resource "aws_docdb_cluster" "docs" {
  cluster_identifier = "docs"
  storage_encrypted  = var.pass_encrypt_documents
}

variable "pass_production" {
  type = bool
}

# Both branches encrypt, whatever var.pass_production is.
resource "aws_neptune_cluster" "graph" {
  cluster_identifier = "graph"
  storage_encrypted  = var.pass_production ? true : "true"
}

# count = 0: no cluster, no item.
resource "aws_neptune_cluster" "disabled" {
  count              = 0
  cluster_identifier = "disabled"
}

resource "aws_kinesis_stream" "events" {
  name            = "events"
  shard_count     = 1
  encryption_type = "KMS"
  kms_key_id      = "alias/aws/kinesis"
}

locals {
  pass_stream_encryption = "KMS"
}

resource "aws_kinesis_stream" "from_local" {
  name            = "from-local"
  shard_count     = 1
  encryption_type = local.pass_stream_encryption
  kms_key_id      = "alias/aws/kinesis"
}

# Redshift creates every new cluster encrypted (AWS's CreateCluster default since
# 2025; AWS provider v6 defaults encrypted to true): absent passes.
resource "aws_redshift_cluster" "warehouse" {
  cluster_identifier = "warehouse"
  node_type          = "ra3.xlplus"
}

resource "aws_redshift_cluster" "explicit" {
  cluster_identifier = "explicit"
  node_type          = "ra3.xlplus"
  encrypted          = true
}

resource "aws_dax_cluster" "cache" {
  cluster_name       = "cache"
  iam_role_arn       = "arn:aws:iam::123456789012:role/dax"
  node_type          = "dax.r4.large"
  replication_factor = 1
  server_side_encryption {
    enabled = true
  }
}
