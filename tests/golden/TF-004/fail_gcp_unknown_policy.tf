# The SSL policy is not in this module: cannot check its minimum TLS version.
# expect-unknown: TF-004
variable "external_ssl_policy" {
  type = string
}

resource "google_compute_target_https_proxy" "external_policy" {
  name             = "external-policy"
  url_map          = google_compute_url_map.external.id
  ssl_certificates = [google_compute_managed_ssl_certificate.web.id]
  ssl_policy       = var.external_ssl_policy
}
