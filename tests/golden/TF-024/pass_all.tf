variable "pl_days" {
  type    = number
  default = 365
}

resource "aws_cloudwatch_log_group" "pl_api" {
  name              = "/ecs/pl-api"
  retention_in_days = 90
}

resource "aws_cloudwatch_log_group" "pl_audit" {
  name              = "/audit/pl"
  retention_in_days = var.pl_days
}

resource "aws_cloudwatch_log_group" "pl_disabled" {
  count = 0
  name  = "/disabled"
}

resource "google_logging_project_bucket_config" "pl_default" {
  project        = "proj"
  location       = "global"
  bucket_id      = "_Default"
  retention_days = 400
}

resource "azurerm_log_analytics_workspace" "pl_ws" {
  name                = "pl-ws"
  location            = "westeurope"
  resource_group_name = "rg"
  retention_in_days   = "90"
}

resource "azurerm_network_watcher_flow_log" "pl_nsg" {
  name                 = "pl-nsg"
  network_watcher_name = "nw"
  resource_group_name  = "rg"
  target_resource_id   = "nsg"
  storage_account_id   = "sa"
  enabled              = true

  retention_policy {
    enabled = true
    days    = 90
  }
}
