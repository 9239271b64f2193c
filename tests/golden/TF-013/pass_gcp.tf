resource "google_kms_crypto_key" "ninety_days" {
  name            = "data"
  key_ring        = google_kms_key_ring.ring.id
  rotation_period = "7776000s"
}

resource "google_kms_crypto_key" "thirty_days" {
  name            = "short"
  key_ring        = google_kms_key_ring.ring.id
  purpose         = "ENCRYPT_DECRYPT"
  rotation_period = "2592000.5s"
}

# Asymmetric and MAC keys cannot rotate automatically: N/A.
resource "google_kms_crypto_key" "signing" {
  name     = "signing"
  key_ring = google_kms_key_ring.ring.id
  purpose  = "ASYMMETRIC_SIGN"
}

resource "google_kms_crypto_key" "mac" {
  name     = "mac"
  key_ring = google_kms_key_ring.ring.id
  purpose  = "MAC"
}

locals {
  gcp_rotation = "86400s"
}

resource "google_kms_crypto_key" "from_local" {
  name            = "local"
  key_ring        = google_kms_key_ring.ring.id
  rotation_period = local.gcp_rotation
}
