resource "google_container_cluster" "pg_gke" {
  name     = "pg-gke"
  location = "europe-west1"
}

resource "google_container_cluster" "pg_components" {
  name     = "pg-components"
  location = "europe-west1"
  logging_config {
    enable_components = ["SYSTEM_COMPONENTS", "WORKLOADS"]
  }
  monitoring_config {
    enable_components = ["SYSTEM_COMPONENTS"]
  }
}

resource "azurerm_kubernetes_cluster" "pg_aks" {
  name                = "pg-aks"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  oms_agent {
    log_analytics_workspace_id = "ws"
  }
}

resource "azurerm_kubernetes_cluster" "pg_prometheus" {
  name                = "pg-prometheus"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  monitor_metrics {}
}

resource "google_monitoring_alert_policy" "pg_alert" {
  display_name = "pg-alert"
  combiner     = "OR"
}
