resource "azurerm_key_vault" "pz_kv" {
  name                = "pz-kv"
  location            = "westeurope"
  resource_group_name = "rg"
  tenant_id           = "tenant"
  sku_name            = "standard"
}

resource "azurerm_monitor_diagnostic_setting" "pz_kv" {
  name                       = "pz-kv"
  target_resource_id         = azurerm_key_vault.pz_kv.id
  log_analytics_workspace_id = "ws"
  enabled_log {
    category = "AuditEvent"
  }
}

resource "azurerm_kubernetes_cluster" "pz_aks" {
  name                = "pz-aks"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks"
}

# azurerm v3 log blocks, and the audit category group.
resource "azurerm_monitor_diagnostic_setting" "pz_aks" {
  name                       = "pz-aks"
  target_resource_id         = azurerm_kubernetes_cluster.pz_aks.id
  log_analytics_workspace_id = "ws"
  log {
    category_group = "audit"
    enabled        = true
  }
}

resource "azurerm_mssql_server" "pz_sql" {
  name                = "pz-sql"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_mssql_server_extended_auditing_policy" "pz_sql" {
  server_id         = azurerm_mssql_server.pz_sql.id
  storage_endpoint  = "https://logs.blob.core.windows.net/"
  retention_in_days = 90
}

# 0 (the default) keeps audit logs forever.
resource "azurerm_mssql_server" "pz_forever" {
  name                = "pz-forever"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_mssql_server_extended_auditing_policy" "pz_forever" {
  server_id              = azurerm_mssql_server.pz_forever.id
  log_monitoring_enabled = true
}
