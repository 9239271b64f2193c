resource "azurerm_key_vault" "fz_kv" { # expect: TF-022
  name                = "fz-kv"
  location            = "westeurope"
  resource_group_name = "rg"
  tenant_id           = "tenant"
  sku_name            = "standard"
}

resource "azurerm_kubernetes_cluster" "fz_aks" { # expect: TF-022
  name                = "fz-aks"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks"
}

resource "azurerm_monitor_diagnostic_setting" "fz_aks" {
  name                       = "fz-aks"
  target_resource_id         = azurerm_kubernetes_cluster.fz_aks.id
  log_analytics_workspace_id = "ws"
  enabled_log {
    category = "kube-apiserver"
  }
}

resource "azurerm_mssql_server" "fz_sql" { # expect: TF-022
  name                = "fz-sql"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_mssql_server" "fz_short" {
  name                = "fz-short"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_mssql_server_extended_auditing_policy" "fz_short" {
  server_id         = azurerm_mssql_server.fz_short.id
  storage_endpoint  = "https://logs.blob.core.windows.net/"
  retention_in_days = 30 # expect: TF-022
}
