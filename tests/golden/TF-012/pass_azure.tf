resource "azurerm_key_vault_secret" "expiring" {
  name            = "api-token"
  value           = var.api_token
  key_vault_id    = "kv"
  expiration_date = "2030-01-01T00:00:00Z"
}

resource "azurerm_key_vault_key" "rotated" {
  name            = "data"
  key_vault_id    = "kv"
  key_type        = "RSA"
  key_size        = 2048
  key_opts        = ["decrypt", "encrypt"]
  expiration_date = "2030-01-01T00:00:00Z"
  rotation_policy {
    expire_after = "P90D"
    automatic {
      time_before_expiry = "P30D"
    }
  }
}

variable "api_token" {
  type      = string
  sensitive = true
}
