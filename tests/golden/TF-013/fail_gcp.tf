resource "google_kms_crypto_key" "never" { # expect: TF-013
  name     = "data"
  key_ring = google_kms_key_ring.ring.id
}

resource "google_kms_crypto_key" "yearly" {
  name            = "yearly"
  key_ring        = google_kms_key_ring.ring.id
  rotation_period = "31536000s" # expect: TF-013
}

resource "google_kms_crypto_key" "just_over" {
  name            = "over"
  key_ring        = google_kms_key_ring.ring.id
  purpose         = "ENCRYPT_DECRYPT"
  rotation_period = "7776001s" # expect: TF-013
}
