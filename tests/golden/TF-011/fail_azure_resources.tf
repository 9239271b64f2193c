resource "azurerm_linux_virtual_machine" "app" {
  name                            = "app"
  admin_username                  = "azureuser"
  admin_password                  = "Azur3-Adm1n-P4ss!" # expect: TF-011
  disable_password_authentication = false
  custom_data = base64encode("unused")
}

resource "azurerm_windows_virtual_machine" "jump" {
  name           = "jump"
  admin_username = "azureuser"
  admin_password = "W1nd0ws-Jump-P4ss" # expect: TF-011
  custom_data    = "STORAGE_ACCESS_KEY=q8Zr4Vt2mN9xLp7Kw3Yb6Hd1Fj5Gc0Sa" # expect: TF-011
}

resource "azurerm_mssql_server" "sql" {
  name                         = "acme-sql"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = "Sq1-Adm1n-P4ssw0rd" # expect: TF-011
}

resource "azurerm_key_vault_secret" "api" {
  name         = "api-key"
  value        = "kv-l1teral-9Zq3xT7m" # expect: TF-011
  key_vault_id = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
}

resource "azurerm_container_group" "jobs" {
  name     = "jobs"
  os_type  = "Linux"
  container {
    name   = "job"
    image  = "acme/job:1.0"
    cpu    = 1
    memory = 1
    secure_environment_variables = { # expect: TF-011
      SERVICE_BUS_KEY = "sb-K3y-8fQ2zL9x"
    }
  }
}

resource "azurerm_linux_web_app" "web" {
  name = "web"
  app_settings = { # expect: TF-011
    "DATABASE_PASSWORD" = "w3bApp-Db-P4ss-91"
    "WEBSITES_PORT"     = "8080"
  }
}
