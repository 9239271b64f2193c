resource "aws_opensearch_domain" "search" {
  domain_name    = "search"
  engine_version = "OpenSearch_2.11"
  node_to_node_encryption {
    enabled = true
  }
}

variable "pass_node_to_node" {
  type    = bool
  default = true
}

resource "aws_elasticsearch_domain" "legacy" {
  domain_name           = "legacy"
  elasticsearch_version = "7.10"
  dynamic "node_to_node_encryption" {
    for_each = [var.pass_node_to_node]
    content {
      enabled = node_to_node_encryption.value
    }
  }
}

resource "aws_opensearch_domain" "disabled" {
  count       = 0
  domain_name = "disabled"
}
