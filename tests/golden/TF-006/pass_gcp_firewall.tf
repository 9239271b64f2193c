# SSH only from Identity-Aware Proxy.
resource "google_compute_firewall" "iap_ssh" {
  name          = "iap-ssh"
  network       = "default"
  source_ranges = ["35.235.240.0/20"]

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "google_compute_firewall" "egress_all" {
  name               = "egress-all"
  network            = "default"
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "all"
  }
}

resource "google_compute_firewall" "disabled_ssh" {
  name          = "disabled-ssh"
  network       = "default"
  disabled      = true
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

# Source tags only: no implicit 0.0.0.0/0.
resource "google_compute_firewall" "tagged_db" {
  name        = "tagged-db"
  network     = "default"
  source_tags = ["app"]

  allow {
    protocol = "tcp"
    ports    = ["5432"]
  }
}

resource "google_compute_firewall" "public_web" {
  name          = "public-web"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["80", "443", "8000-8080"]
  }

  allow {
    protocol = "icmp"
  }

  # Deny blocks never open anything.
  deny {
    protocol = "tcp"
    ports    = ["22"]
  }
}
