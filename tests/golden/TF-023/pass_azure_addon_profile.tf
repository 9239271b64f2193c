# azurerm v2: Container Insights through addon_profile.oms_agent.
resource "azurerm_kubernetes_cluster" "v2_insights" {
  name       = "aks-v2"
  dns_prefix = "aksv2"

  addon_profile {
    oms_agent {
      enabled                    = true
      log_analytics_workspace_id = "workspace-id"
    }
  }
}
