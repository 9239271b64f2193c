# A verified canary: PASS.
resource "google_clouddeploy_delivery_pipeline" "f12_api" {
  location = "europe-west1"
  name     = "f12-api"

  serial_pipeline {
    stages {
      target_id = "prod"
      strategy {
        canary {
          runtime_config {
            cloud_run {
              automatic_traffic_control = true
            }
          }
          canary_deployment {
            percentages = [25, 50]
            verify      = true
          }
        }
      }
    }
  }
}

# Standard strategy: N/A.
resource "google_clouddeploy_delivery_pipeline" "f12_plain" {
  location = "europe-west1"
  name     = "f12-plain"

  serial_pipeline {
    stages {
      target_id = "dev"
    }
  }
}

# Production app with a staging slot.
resource "azurerm_linux_web_app" "f12_shop" {
  name                = "f12-shop"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"

  site_config {}

  tags = {
    Environment = "Production"
  }
}

resource "azurerm_linux_web_app_slot" "f12_shop_staging" {
  name           = "staging"
  app_service_id = azurerm_linux_web_app.f12_shop.id

  site_config {}
}

# Not production: N/A.
resource "azurerm_windows_web_app" "f12_internal" {
  name                = "f12-internal"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"

  site_config {}

  tags = {
    env = "dev"
  }
}
