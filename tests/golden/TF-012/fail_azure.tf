resource "azurerm_key_vault_secret" "forever" { # expect: TF-012
  name         = "forever"
  value        = var.forever_token
  key_vault_id = "kv"
}

resource "azurerm_key_vault_key" "no_expiry" { # expect: TF-012
  name         = "no-expiry"
  key_vault_id = "kv"
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["decrypt", "encrypt"]
  rotation_policy {
    automatic {
      time_after_creation = "P60D"
    }
  }
}

resource "azurerm_key_vault_key" "no_rotation" { # expect: TF-012
  name            = "no-rotation"
  key_vault_id    = "kv"
  key_type        = "RSA"
  key_size        = 2048
  key_opts        = ["decrypt", "encrypt"]
  expiration_date = "2030-01-01T00:00:00Z"
}

variable "forever_token" {
  type      = string
  sensitive = true
}
