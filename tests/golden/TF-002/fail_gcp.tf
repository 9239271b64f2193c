resource "google_compute_disk" "csek" {
  name = "data"
  zone = "europe-west1-b"
  disk_encryption_key {
    raw_key = "SGVsbG8gZnJvbSBHb29nbGUgQ2xvdWQgUGxhdGZvcm0=" # expect: TF-002
  }
}

resource "google_compute_disk" "rsa" {
  name = "rsa"
  zone = "europe-west1-b"
  disk_encryption_key {
    rsa_encrypted_key = "ieCx/NcW06PcT7Ep1X6LUTc/hLvUDYyzSZPPVCVPTVEohpeHASqC8uw5TzyO9U+Fka9JFHiz0mBibXUInrC/jEk014kCK/NPjYgEMOyssZ4ZINPKxlUh2zn1bV+MCaTICrdmuSBTWlUUiFoDD6PYznLwh8ZNdaheCeZ8ewEXgFQ8V+sDroLaN3Xs3MDTXQEMMoNUXMCZEIpg9Vtp9x2oeQ5lAbtt7bYAAHf5l+gJWw3sUfs0/Glw5fpdjT8Uggrr+RMZezGrltJEF293rvTIjWOEB3z5OHyHwQkvdrPDFcTqsLfh+8Hr8g+mf+7zVPEC8nEbqpdl3GPv3A7AwpFp7MA==" # expect: TF-002
  }
}

variable "csek_in_default" {
  default = "c2VjcmV0LWtleS1pbi1hLWRlZmF1bHQtdmFsdWUhISE="
}

resource "google_compute_instance" "vm" {
  name         = "vm"
  machine_type = "e2-small"
  zone         = "europe-west1-b"
  boot_disk {
    disk_encryption_key_raw = var.csek_in_default # expect: TF-002
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  attached_disk {
    source                  = google_compute_disk.csek.id
    disk_encryption_key_raw = "SGVsbG8gZnJvbSBHb29nbGUgQ2xvdWQgUGxhdGZvcm0=" # expect: TF-002
  }
  network_interface {
    network = "default"
  }
}

resource "google_compute_snapshot" "snap" {
  name        = "snap"
  source_disk = google_compute_disk.csek.name
  source_disk_encryption_key {
    raw_key = "SGVsbG8gZnJvbSBHb29nbGUgQ2xvdWQgUGxhdGZvcm0=" # expect: TF-002
  }
}

resource "google_storage_bucket_object" "obj" {
  name   = "obj"
  bucket = "acme-data"
  source = "obj.txt"
  customer_encryption {
    encryption_key = "SGVsbG8gZnJvbSBHb29nbGUgQ2xvdWQgUGxhdGZvcm0=" # expect: TF-002
  }
}
