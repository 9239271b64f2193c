resource "google_compute_ssl_policy" "defaults" { # expect: TF-004
  name = "defaults"
}

resource "google_compute_ssl_policy" "custom" {
  name            = "custom"
  profile         = "CUSTOM" # expect: TF-004
  min_tls_version = "TLS_1_2"
  custom_features = ["TLS_RSA_WITH_AES_256_GCM_SHA384"]
}

variable "ssl_min_tls" {
  type = string
}

resource "google_compute_region_ssl_policy" "unknown" {
  name            = "unknown"
  region          = "europe-west1"
  profile         = "MODERN"
  min_tls_version = var.ssl_min_tls # expect-unknown: TF-004
}

# Attached to a proxy of this module: judged once, on the proxy.
resource "google_compute_ssl_policy" "attached" {
  name = "attached"
}

resource "google_compute_target_https_proxy" "web" {
  name             = "web"
  url_map          = "url-map"
  ssl_certificates = ["cert"]
  ssl_policy       = google_compute_ssl_policy.attached.id # expect: TF-004
}
