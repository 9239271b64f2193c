# None of these variables has a default: cannot be checked statically.
# expect-unknown: TF-002
variable "unknown_docs_encrypted" {
  type = bool
}

variable "unknown_stream_encryption" {
  type = string
}

variable "unknown_warehouse_encrypted" {
  type = bool
}

variable "unknown_search_encrypted" {
  type = bool
}

variable "unknown_dax_encryption" {
  type = list(object({ enabled = bool }))
}

resource "aws_docdb_cluster" "docs" {
  cluster_identifier = "docs"
  storage_encrypted  = var.unknown_docs_encrypted
}

resource "aws_kinesis_stream" "events" {
  name            = "events"
  shard_count     = 1
  encryption_type = var.unknown_stream_encryption
}

resource "aws_redshift_cluster" "warehouse" {
  cluster_identifier = "warehouse"
  node_type          = "ra3.xlplus"
  encrypted          = var.unknown_warehouse_encrypted
}

resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  encrypt_at_rest {
    enabled = var.unknown_search_encrypted
  }
}

resource "aws_dax_cluster" "cache" {
  cluster_name           = "cache"
  iam_role_arn           = "arn:aws:iam::123456789012:role/dax"
  node_type              = "dax.r4.large"
  replication_factor     = 1
  server_side_encryption = var.unknown_dax_encryption
}
