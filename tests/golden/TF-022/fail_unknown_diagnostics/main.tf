variable "target_id" {
  type = string
}

# expect-unknown: TF-022
resource "azurerm_key_vault" "kv" {
  name                = "kv"
  location            = "westeurope"
  resource_group_name = "rg"
  tenant_id           = "tenant"
  sku_name            = "standard"
}

resource "azurerm_monitor_diagnostic_setting" "kv" {
  name                       = "kv"
  target_resource_id         = var.target_id
  log_analytics_workspace_id = "ws"
  enabled_log {
    category = "AuditEvent"
  }
}
