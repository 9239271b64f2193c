resource "azurerm_linux_web_app" "http_allowed" {
  name                = "http-allowed"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = azurerm_service_plan.plan.id
  https_only          = false # expect: TF-004

  site_config {
    minimum_tls_version = "1.0" # expect: TF-004
    ftps_state          = "AllAllowed" # expect: TF-004
  }
}

# https_only unset: false.
resource "azurerm_windows_web_app" "https_unset" { # expect: TF-004
  name                = "https-unset"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = azurerm_service_plan.plan.id

  site_config {
    minimum_tls_version = "1.2"
  }
}

# azurerm_app_service: ftps_state defaults to AllAllowed.
resource "azurerm_app_service" "legacy_ftp" {
  name                = "legacy-ftp"
  location            = "westeurope"
  resource_group_name = "rg"
  app_service_plan_id = azurerm_app_service_plan.plan.id
  https_only          = true

  site_config { # expect: TF-004
    min_tls_version = "1.1" # expect: TF-004
  }
}

resource "azurerm_application_gateway" "plain" {
  name                = "plain"
  resource_group_name = "rg"
  location            = "westeurope"

  http_listener {
    name                           = "http"
    frontend_ip_configuration_name = "public"
    frontend_port_name             = "port-80"
    protocol                       = "Http" # expect: TF-004
  }

  request_routing_rule {
    name                       = "web"
    rule_type                  = "Basic"
    http_listener_name         = "http"
    backend_address_pool_name  = "web"
    backend_http_settings_name = "web"
    priority                   = 10
  }
}
