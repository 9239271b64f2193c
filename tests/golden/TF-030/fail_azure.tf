resource "azurerm_key_vault_certificate" "email_only" {
  name         = "email-only"
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
        action_type = "EmailContacts" # expect: TF-030
      }
      trigger {
        lifetime_percentage = 80
      }
    }
    secret_properties {
      content_type = "application/x-pkcs12"
    }
  }
}

resource "azurerm_key_vault_certificate" "no_lifetime_action" {
  name         = "no-lifetime-action"
  key_vault_id = azurerm_key_vault.kv.id

  certificate_policy { # expect: TF-030
    issuer_parameters {
      name = "Self"
    }
    key_properties {
      exportable = true
      key_size   = 2048
      key_type   = "RSA"
      reuse_key  = true
    }
    secret_properties {
      content_type = "application/x-pkcs12"
    }
  }
}

resource "azurerm_key_vault_certificate" "imported" {
  name         = "imported"
  key_vault_id = azurerm_key_vault.kv.id

  certificate {
    contents = filebase64("cert.pfx") # expect: TF-030
    password = ""
  }
}

resource "azurerm_app_service_certificate" "pfx" {
  name                = "pfx"
  resource_group_name = "rg"
  location            = "westeurope"
  pfx_blob            = filebase64("cert.pfx") # expect: TF-030
  password            = "unused"
}
