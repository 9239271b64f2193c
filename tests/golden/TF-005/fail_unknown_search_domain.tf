# var.unknown_node_to_node has no default: cannot be checked statically.
# expect-unknown: TF-005
variable "unknown_node_to_node" {
  type = bool
}

resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  node_to_node_encryption {
    enabled = var.unknown_node_to_node
  }
}
