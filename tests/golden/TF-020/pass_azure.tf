resource "azurerm_lb_probe" "pz_http" {
  name            = "http"
  loadbalancer_id = "lb"
  port            = 80
  request_path    = "/healthz"
}

resource "azurerm_lb_rule" "pz_http" {
  name                           = "http"
  loadbalancer_id                = "lb"
  protocol                       = "Tcp"
  frontend_port                  = 80
  backend_port                   = 80
  frontend_ip_configuration_name = "fe"
  probe_id                       = azurerm_lb_probe.pz_http.id
}

resource "azurerm_application_gateway" "pz_gw" {
  name                = "pz-gw"
  resource_group_name = "rg"
  location            = "westeurope"

  probe {
    name                = "healthz"
    protocol            = "Https"
    path                = "/healthz"
    interval            = 30
    timeout             = 30
    unhealthy_threshold = 3
  }

  backend_http_settings {
    name                  = "api"
    cookie_based_affinity = "Disabled"
    port                  = 443
    protocol              = "Https"
    probe_name            = "healthz"
  }
}

resource "azurerm_linux_web_app" "pz_shop" {
  name                = "pz-shop"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"
  site_config {
    health_check_path                 = "/healthz"
    health_check_eviction_time_in_min = 5
  }
}

resource "azurerm_container_app" "pz_api" {
  name                         = "pz-api"
  container_app_environment_id = "env"
  resource_group_name          = "rg"
  revision_mode                = "Single"
  template {
    container {
      name   = "api"
      image  = "api:1"
      cpu    = 0.5
      memory = "1Gi"
      liveness_probe {
        transport = "HTTP"
        port      = 8080
        path      = "/healthz"
      }
    }
  }
}
