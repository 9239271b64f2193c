# An SSL policy no proxy of this module uses is judged on its own.
resource "google_compute_ssl_policy" "shared" {
  name            = "shared-modern"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_region_ssl_policy" "regional" {
  name            = "regional-restricted"
  region          = "europe-west1"
  profile         = "RESTRICTED"
  min_tls_version = "TLS_1_3"
}
