resource "google_compute_firewall" "ssh_world" {
  name          = "ssh-world"
  network       = "default"
  source_ranges = ["0.0.0.0/0"] # expect: TF-006

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "google_compute_firewall" "db_range" {
  name          = "db-range"
  network       = "default"
  direction     = "INGRESS"
  source_ranges = ["::/0"] # expect: TF-006

  allow {
    protocol = "tcp"
    ports    = ["3300-3400"]
  }
}

# No ports listed: every port of the protocol.
resource "google_compute_firewall" "tcp_all_ports" {
  name          = "tcp-all-ports"
  network       = "default"
  source_ranges = ["0.0.0.0/0"] # expect: TF-006

  allow {
    protocol = "tcp"
  }
}

resource "google_compute_firewall" "all_protocols" {
  name          = "all-protocols"
  network       = "default"
  source_ranges = ["0.0.0.0/0"] # expect: TF-006

  allow {
    protocol = "all"
  }
}

# No source_ranges, source_tags or source_service_accounts: GCP uses 0.0.0.0/0.
resource "google_compute_firewall" "implicit_source" { # expect: TF-006
  name    = "implicit-source"
  network = "default"

  allow {
    protocol = "tcp"
    ports    = [3389]
  }
}

# An empty source_ranges is the same as none at all.
resource "google_compute_firewall" "empty_sources" {
  name          = "empty-sources"
  network       = "default"
  source_ranges = [] # expect: TF-006

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
