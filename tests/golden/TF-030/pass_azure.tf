resource "azurerm_key_vault_certificate" "auto" {
  name         = "auto"
  key_vault_id = azurerm_key_vault.kv.id

  certificate_policy {
    issuer_parameters {
      name = "Self"
    }
    key_properties {
      exportable = true
      key_size   = 2048
      key_type   = "RSA"
      reuse_key  = true
    }
    lifetime_action {
      action {
        action_type = "AutoRenew"
      }
      trigger {
        days_before_expiry = 30
      }
    }
    secret_properties {
      content_type = "application/x-pkcs12"
    }
  }
}

resource "azurerm_app_service_managed_certificate" "web" {
  custom_hostname_binding_id = azurerm_app_service_custom_hostname_binding.web.id
}

resource "azurerm_app_service_certificate" "from_key_vault" {
  name                = "from-key-vault"
  resource_group_name = "rg"
  location            = "westeurope"
  key_vault_secret_id = azurerm_key_vault_certificate.auto.secret_id
}
