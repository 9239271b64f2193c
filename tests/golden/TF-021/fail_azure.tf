variable "f4_tags" {
  type = map(string)
}

resource "azurerm_linux_web_app" "f4_shop" { # expect: TF-021
  name                = "f4-shop"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"

  site_config {}

  tags = {
    env = "prod"
  }
}

resource "azurerm_windows_web_app" "f4_unknown_env" { # expect-unknown: TF-021
  name                = "f4-unknown-env"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"

  site_config {}

  tags = var.f4_tags
}
