resource "azurerm_lb_rule" "fz_http" { # expect: TF-020
  name                           = "http"
  loadbalancer_id                = "lb"
  protocol                       = "Tcp"
  frontend_port                  = 80
  backend_port                   = 80
  frontend_ip_configuration_name = "fe"
}

resource "azurerm_application_gateway" "fz_gw" {
  name                = "fz-gw"
  resource_group_name = "rg"
  location            = "westeurope"

  probe {
    name     = "healthz"
    protocol = "Https"
    path     = "/healthz"
  }

  backend_http_settings { # expect: TF-020
    name                  = "api"
    cookie_based_affinity = "Disabled"
    port                  = 443
    protocol              = "Https"
  }

  backend_http_settings {
    name                  = "admin"
    cookie_based_affinity = "Disabled"
    port                  = 443
    protocol              = "Https"
    probe_name            = "admin-healthz" # expect: TF-020
  }
}

resource "azurerm_windows_web_app" "fz_portal" {
  name                = "fz-portal"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"
  site_config { # expect: TF-020
    always_on = true
  }
}

resource "azurerm_container_app" "fz_api" {
  name                         = "fz-api"
  container_app_environment_id = "env"
  resource_group_name          = "rg"
  revision_mode                = "Single"
  template {
    container { # expect: TF-020
      name   = "api"
      image  = "api:1"
      cpu    = 0.5
      memory = "1Gi"
    }
  }
}
