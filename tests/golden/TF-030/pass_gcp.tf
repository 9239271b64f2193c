resource "google_compute_managed_ssl_certificate" "web" {
  name = "web"
  managed {
    domains = ["www.example.com."]
  }
}

resource "google_certificate_manager_certificate" "managed" {
  name = "managed"
  managed {
    domains = ["api.example.com"]
  }
}

# An SSL certificate without a private key in the configuration is not judged.
resource "google_compute_ssl_certificate" "without_key" {
  name        = "without-key"
  certificate = var.certificate_pem
}
