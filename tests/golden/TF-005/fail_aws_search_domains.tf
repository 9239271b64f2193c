resource "aws_opensearch_domain" "no_block" { # expect: TF-005
  domain_name    = "logs"
  engine_version = "OpenSearch_2.11"
  cluster_config {
    instance_count = 3
  }
}

resource "aws_elasticsearch_domain" "off" {
  domain_name           = "legacy"
  elasticsearch_version = "7.10"
  node_to_node_encryption {
    enabled = false # expect: TF-005
  }
}

variable "fail_node_to_node" {
  default = "false"
}

resource "aws_opensearch_domain" "variable_off" {
  domain_name = "variable"
  node_to_node_encryption {
    enabled = var.fail_node_to_node # expect: TF-005
  }
}

resource "aws_opensearch_domain" "object_off" {
  domain_name             = "object"
  node_to_node_encryption = { enabled = false } # expect: TF-005
}
