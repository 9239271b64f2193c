resource "google_compute_url_map" "serves_http" {
  name            = "serves-http"
  default_service = google_compute_backend_service.web.id
}

resource "google_compute_target_http_proxy" "plain" {
  name    = "plain"
  url_map = google_compute_url_map.serves_http.id # expect: TF-004
}

resource "google_compute_url_map" "no_https_redirect" {
  name = "no-https-redirect"
  default_url_redirect {
    https_redirect = false
    strip_query    = false
  }
}

resource "google_compute_target_http_proxy" "redirect_off" {
  name    = "redirect-off"
  url_map = google_compute_url_map.no_https_redirect.id # expect: TF-004
}

resource "google_compute_ssl_policy" "compatible" {
  name            = "compatible"
  profile         = "COMPATIBLE"
  min_tls_version = "TLS_1_0"
}

resource "google_compute_target_https_proxy" "weak_policy" {
  name             = "weak-policy"
  url_map          = google_compute_url_map.serves_http.id
  ssl_certificates = [google_compute_managed_ssl_certificate.web.id]
  ssl_policy       = google_compute_ssl_policy.compatible.id # expect: TF-004
}

# No ssl_policy: the GCP default (COMPATIBLE, TLS 1.0).
resource "google_compute_target_https_proxy" "no_policy" { # expect: TF-004
  name             = "no-policy"
  url_map          = google_compute_url_map.serves_http.id
  ssl_certificates = [google_compute_managed_ssl_certificate.web.id]
}
