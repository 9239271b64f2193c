resource "azurerm_monitor_log_profile" "no_policy" { # expect: TF-024
  name       = "no-policy"
  categories = ["Action", "Delete", "Write"]
  locations  = ["global"]
}

resource "azurerm_monitor_log_profile" "short" {
  name       = "short"
  categories = ["Action", "Delete", "Write"]
  locations  = ["global"]

  retention_policy {
    enabled = true
    days    = 7 # expect: TF-024
  }
}

resource "azurerm_monitor_log_profile" "disabled" {
  name       = "disabled"
  categories = ["Action", "Delete", "Write"]
  locations  = ["global"]

  retention_policy { # expect: TF-024
    enabled = false # expect: TF-024
  }
}

variable "activity_log_days" {
  type = number
}

resource "azurerm_monitor_log_profile" "unknown" {
  name       = "unknown"
  categories = ["Action", "Delete", "Write"]
  locations  = ["global"]

  retention_policy {
    enabled = true
    days    = var.activity_log_days # expect-unknown: TF-024
  }
}
