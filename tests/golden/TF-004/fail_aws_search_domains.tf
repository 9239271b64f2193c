# No endpoint options: plain HTTP is accepted and AWS's default TLS policy applies.
resource "aws_opensearch_domain" "no_options" { # expect: TF-004
  domain_name    = "logs"
  engine_version = "OpenSearch_2.11"
}

resource "aws_opensearch_domain" "http_allowed" {
  domain_name = "http"
  domain_endpoint_options {
    enforce_https       = false # expect: TF-004
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }
}

resource "aws_opensearch_domain" "tls10" {
  domain_name = "tls10"
  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-0-2019-07" # expect: TF-004
  }
}

# enforce_https defaults to true inside the block; the TLS policy is still AWS's default (medium).
resource "aws_elasticsearch_domain" "no_policy" {
  domain_name           = "legacy"
  elasticsearch_version = "7.10"
  domain_endpoint_options { # expect: TF-004
  }
}

variable "fail_search_tls_policy" {
  default = "Policy-Min-TLS-1-0-2019-07"
}

resource "aws_elasticsearch_domain" "policy_variable" {
  domain_name             = "legacy-variable"
  elasticsearch_version   = "7.10"
  domain_endpoint_options {
    tls_security_policy = var.fail_search_tls_policy # expect: TF-004
  }
}

resource "aws_elasticsearch_domain" "options_object" {
  domain_name             = "legacy-object"
  elasticsearch_version   = "7.10"
  domain_endpoint_options = { enforce_https = "false", tls_security_policy = "Policy-Min-TLS-1-2-2019-07" } # expect: TF-004
}
