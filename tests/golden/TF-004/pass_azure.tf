resource "azurerm_linux_web_app" "web" {
  name                = "web"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = azurerm_service_plan.plan.id
  https_only          = true

  site_config {
    minimum_tls_version = "1.2"
    ftps_state          = "FtpsOnly"
  }
}

# minimum_tls_version (1.2) and ftps_state (Disabled) left at their defaults.
resource "azurerm_windows_web_app" "win" {
  name                = "win"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = azurerm_service_plan.plan.id
  https_only          = true

  site_config {}
}

resource "azurerm_app_service" "legacy" {
  name                = "legacy"
  location            = "westeurope"
  resource_group_name = "rg"
  app_service_plan_id = azurerm_app_service_plan.plan.id
  https_only          = true

  site_config {
    min_tls_version = "1.2"
    ftps_state      = "Disabled"
  }
}

resource "azurerm_application_gateway" "gw" {
  name                = "gw"
  resource_group_name = "rg"
  location            = "westeurope"

  http_listener {
    name                           = "http"
    frontend_ip_configuration_name = "public"
    frontend_port_name             = "port-80"
    protocol                       = "Http"
  }

  http_listener {
    name                           = "https"
    frontend_ip_configuration_name = "public"
    frontend_port_name             = "port-443"
    protocol                       = "Https"
    ssl_certificate_name           = "web"
  }

  redirect_configuration {
    name                 = "http-to-https"
    redirect_type        = "Permanent"
    target_listener_name = "https"
  }

  request_routing_rule {
    name                        = "redirect"
    rule_type                   = "Basic"
    http_listener_name          = "http"
    redirect_configuration_name = "http-to-https"
    priority                    = 10
  }

  request_routing_rule {
    name                       = "web"
    rule_type                  = "Basic"
    http_listener_name         = "https"
    backend_address_pool_name  = "web"
    backend_http_settings_name = "web"
    priority                   = 20
  }
}
