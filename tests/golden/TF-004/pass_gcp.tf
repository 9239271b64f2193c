resource "google_compute_url_map" "redirect" {
  name = "http-redirect"
  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "redirect" {
  name    = "http-redirect"
  url_map = google_compute_url_map.redirect.id
}

resource "google_compute_ssl_policy" "modern" {
  name            = "modern-tls12"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "web" {
  name             = "web"
  url_map          = google_compute_url_map.web_pass.id
  ssl_certificates = [google_compute_managed_ssl_certificate.web.id]
  ssl_policy       = google_compute_ssl_policy.modern.self_link
}
