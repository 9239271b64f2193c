resource "google_compute_firewall" "allow_all" {
  name          = "allow-all"
  network       = "default"
  source_ranges = ["0.0.0.0/0"] # expect: TF-007

  allow {
    protocol = "all"
  }
}

# tcp without ports is every TCP port; no source at all means 0.0.0.0/0.
resource "google_compute_firewall" "no_source" { # expect: TF-007
  name    = "no-source"
  network = "default"

  allow {
    protocol = "tcp"
  }
}

# Egress to anywhere on every port (medium); no destination_ranges means 0.0.0.0/0.
resource "google_compute_firewall" "egress_all" { # expect: TF-007
  name      = "egress-all"
  network   = "default"
  direction = "EGRESS"

  allow {
    protocol = "all"
  }
}

resource "google_compute_firewall" "egress_v6" {
  name               = "egress-v6"
  network            = "default"
  direction          = "EGRESS"
  destination_ranges = ["::/0"] # expect: TF-007

  allow {
    protocol = "udp"
    ports    = ["0-65535"]
  }
}
