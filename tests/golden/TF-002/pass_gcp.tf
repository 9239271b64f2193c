# GCP encrypts at rest by default; without tf.require_cmk buckets and databases are N/A.
resource "google_storage_bucket" "data" {
  name     = "acme-data"
  location = "EU"
}

resource "google_compute_disk" "data" {
  name = "data"
  zone = "europe-west1-b"
}

resource "google_compute_disk" "kms" {
  name = "kms"
  zone = "europe-west1-b"
  disk_encryption_key {
    kms_key_self_link = google_kms_crypto_key.data.id
  }
}

# A customer-supplied key passed in at apply time is not in the code.
variable "csek_from_apply" {
  type      = string
  sensitive = true
}

resource "google_compute_instance" "vm" {
  name         = "vm"
  machine_type = "e2-small"
  zone         = "europe-west1-b"
  boot_disk {
    disk_encryption_key_raw = var.csek_from_apply
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  network_interface {
    network = "default"
  }
}
