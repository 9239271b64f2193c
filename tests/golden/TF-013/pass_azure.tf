resource "azurerm_key_vault_key" "after_creation" {
  name            = "data"
  key_vault_id    = "kv"
  key_type        = "RSA"
  key_size        = 2048
  key_opts        = ["decrypt", "encrypt"]
  expiration_date = "2030-01-01T00:00:00Z"
  rotation_policy {
    expire_after         = "P90D"
    notify_before_expiry = "P29D"
    automatic {
      time_after_creation = "P60D"
    }
  }
}

# Rotates 30 days before a 90-day expiry: every 60 days.
resource "azurerm_key_vault_key" "before_expiry" {
  name         = "ec"
  key_vault_id = "kv"
  key_type     = "EC"
  curve        = "P-256"
  key_opts     = ["sign", "verify"]
  rotation_policy {
    expire_after = "P90D"
    automatic {
      time_before_expiry = "P30D"
    }
  }
}
