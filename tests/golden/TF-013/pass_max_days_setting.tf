# tf.max_rotation_days = 365
resource "google_kms_crypto_key" "yearly" {
  name            = "yearly"
  key_ring        = "ring"
  rotation_period = "31536000s"
}

resource "azurerm_key_vault_key" "yearly" {
  name         = "yearly"
  key_vault_id = "kv"
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["decrypt", "encrypt"]
  rotation_policy {
    automatic {
      time_after_creation = "P1Y"
    }
  }
}
