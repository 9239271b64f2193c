data "azurerm_key_vault_secret" "admin" {
  name         = "vm-admin"
  key_vault_id = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
}

resource "random_password" "sql" {
  length = 32
}

resource "azurerm_linux_virtual_machine" "app" {
  name           = "app"
  admin_username = "azureuser"
  admin_password = data.azurerm_key_vault_secret.admin.value
}

resource "azurerm_mssql_server" "sql" {
  name                         = "acme-sql"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = random_password.sql.result
}

resource "azurerm_key_vault_secret" "sql" {
  name         = "sql-admin"
  value        = random_password.sql.result
  key_vault_id = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
}

resource "azurerm_linux_web_app" "web" {
  name = "web"
  app_settings = {
    "DATABASE_PASSWORD" = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)"
    "WEBSITES_PORT"     = "8080"
  }
}
