resource "google_compute_ssl_certificate" "uploaded" {
  name        = "uploaded"
  private_key = file("key.pem") # expect: TF-030
  certificate = file("cert.pem")
}

resource "google_certificate_manager_certificate" "self_managed" {
  name = "self-managed"
  self_managed { # expect: TF-030
    pem_certificate = file("cert.pem")
    pem_private_key = file("key.pem")
  }
}
