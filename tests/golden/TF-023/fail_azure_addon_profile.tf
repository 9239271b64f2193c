resource "azurerm_kubernetes_cluster" "v2_disabled" {
  name       = "aks-v2-off"
  dns_prefix = "aksv2off"

  addon_profile {
    oms_agent {
      enabled = false # expect: TF-023
    }
  }
}

resource "azurerm_kubernetes_cluster" "v2_other_addons" { # expect: TF-023
  name       = "aks-v2-other"
  dns_prefix = "aksv2other"

  addon_profile {
    kube_dashboard {
      enabled = false
    }
  }
}

variable "aks_insights" {
  type = bool
}

resource "azurerm_kubernetes_cluster" "v2_unknown" {
  name       = "aks-v2-unknown"
  dns_prefix = "aksv2unknown"

  addon_profile {
    oms_agent {
      enabled = var.aks_insights # expect-unknown: TF-023
    }
  }
}
