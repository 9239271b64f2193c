resource "google_compute_firewall" "https" {
  name          = "https"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["80", "443"]
  }
}

resource "google_compute_firewall" "internal_all" {
  name          = "internal-all"
  network       = "default"
  source_ranges = ["10.128.0.0/9"]

  allow {
    protocol = "all"
  }
}

# Tags as the only source: not the internet.
resource "google_compute_firewall" "from_tags" {
  name        = "from-tags"
  network     = "default"
  source_tags = ["bastion"]

  allow {
    protocol = "all"
  }
}

resource "google_compute_firewall" "disabled" {
  name          = "disabled"
  network       = "default"
  disabled      = true
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "all"
  }
}

# A deny rule admits nothing.
resource "google_compute_firewall" "deny_egress" {
  name      = "deny-egress"
  network   = "default"
  direction = "EGRESS"

  deny {
    protocol = "all"
  }
}

resource "google_compute_firewall" "egress_https" {
  name               = "egress-https"
  network            = "default"
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["443"]
  }
}
