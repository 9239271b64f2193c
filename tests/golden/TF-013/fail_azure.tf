resource "azurerm_key_vault_key" "no_policy" { # expect: TF-013
  name         = "data"
  key_vault_id = "kv"
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["decrypt", "encrypt"]
}

resource "azurerm_key_vault_key" "manual" {
  name         = "manual"
  key_vault_id = "kv"
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["decrypt", "encrypt"]
  rotation_policy { # expect: TF-013
    expire_after         = "P90D"
    notify_before_expiry = "P29D"
  }
}

resource "azurerm_key_vault_key" "yearly" {
  name         = "yearly"
  key_vault_id = "kv"
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["decrypt", "encrypt"]
  rotation_policy {
    automatic {
      time_after_creation = "P1Y" # expect: TF-013
    }
  }
}

# Rotates 10 days before a one-year expiry: every 355 days.
resource "azurerm_key_vault_key" "late" {
  name         = "late"
  key_vault_id = "kv"
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["decrypt", "encrypt"]
  rotation_policy {
    expire_after = "P1Y" # expect: TF-013
    automatic {
      time_before_expiry = "P10D"
    }
  }
}
