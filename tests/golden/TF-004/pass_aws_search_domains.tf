resource "aws_opensearch_domain" "search" {
  domain_name    = "search"
  engine_version = "OpenSearch_2.11"
  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10"
  }
}

# enforce_https defaults to true inside the block.
resource "aws_elasticsearch_domain" "legacy" {
  domain_name           = "legacy"
  elasticsearch_version = "7.10"
  domain_endpoint_options {
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }
}

variable "pass_search_tls_policy" {
  default = "Policy-Min-TLS-1-2-2019-07"
}

resource "aws_opensearch_domain" "dynamic_options" {
  domain_name = "dynamic"
  dynamic "domain_endpoint_options" {
    for_each = [var.pass_search_tls_policy]
    content {
      enforce_https       = true
      tls_security_policy = domain_endpoint_options.value
    }
  }
}

resource "aws_opensearch_domain" "disabled" {
  count       = 0
  domain_name = "disabled"
}
