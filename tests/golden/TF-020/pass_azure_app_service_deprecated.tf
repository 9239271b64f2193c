# The deprecated azurerm_app_service takes the same site_config.health_check_path.
resource "azurerm_app_service" "api" {
  name                = "api"
  app_service_plan_id = "plan-id"

  site_config {
    health_check_path = "/healthz"
  }
}
