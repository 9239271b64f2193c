variable "fl_days" {
  type    = number
  default = 14
}

resource "aws_cloudwatch_log_group" "fl_missing" { # expect: TF-024
  name = "/ecs/fl-missing"
}

resource "aws_cloudwatch_log_group" "fl_forever" {
  name              = "/ecs/fl-forever"
  retention_in_days = 0 # expect: TF-024
}

resource "aws_cloudwatch_log_group" "fl_short" {
  name              = "/ecs/fl-short"
  retention_in_days = var.fl_days # expect: TF-024
}

resource "google_logging_project_bucket_config" "fl_default" { # expect: TF-024
  project   = "proj"
  location  = "global"
  bucket_id = "_Default"
}

resource "google_logging_organization_bucket_config" "fl_org" {
  organization   = "123"
  location       = "global"
  bucket_id      = "_Default"
  retention_days = 60 # expect: TF-024
}

resource "azurerm_log_analytics_workspace" "fl_ws" { # expect: TF-024
  name                = "fl-ws"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_network_watcher_flow_log" "fl_nsg" {
  name                 = "fl-nsg"
  network_watcher_name = "nw"
  resource_group_name  = "rg"
  target_resource_id   = "nsg"
  storage_account_id   = "sa"
  enabled              = true

  retention_policy {
    enabled = false # expect: TF-024
    days    = 7 # expect: TF-024
  }
}
