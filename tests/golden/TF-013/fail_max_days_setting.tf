# tf.max_rotation_days = 30
resource "google_kms_crypto_key" "ninety_days" {
  name            = "data"
  key_ring        = "ring"
  rotation_period = "7776000s" # expect: TF-013
}

resource "azurerm_key_vault_key" "ninety_days" {
  name         = "ninety"
  key_vault_id = "kv"
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["decrypt", "encrypt"]
  rotation_policy {
    automatic {
      time_after_creation = "P90D" # expect: TF-013
    }
  }
}
