resource "google_container_cluster" "fg_gke" {
  name               = "fg-gke"
  location           = "europe-west1"
  logging_service    = "none" # expect: TF-023
  monitoring_service = "none" # expect: TF-023
}

resource "google_container_cluster" "fg_components" {
  name     = "fg-components"
  location = "europe-west1"
  logging_config {
    enable_components = [] # expect: TF-023
  }
}

resource "azurerm_kubernetes_cluster" "fg_aks" { # expect: TF-023
  name                = "fg-aks"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks"
}
