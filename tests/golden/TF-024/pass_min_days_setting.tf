resource "aws_cloudwatch_log_group" "pm_api" {
  name              = "/ecs/pm-api"
  retention_in_days = 30
}

resource "azurerm_log_analytics_workspace" "pm_ws" {
  name                = "pm-ws"
  location            = "westeurope"
  resource_group_name = "rg"
}
