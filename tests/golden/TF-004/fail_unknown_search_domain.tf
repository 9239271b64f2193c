# var.unknown_search_tls_policy has no default: cannot be checked statically.
# expect-unknown: TF-004
variable "unknown_search_tls_policy" {
  type = string
}

resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = var.unknown_search_tls_policy
  }
}
