resource "azurerm_app_service" "no_site_config" { # expect: TF-020
  name                = "no-site-config"
  app_service_plan_id = "plan-id"
}

resource "azurerm_app_service" "no_path" {
  name                = "no-path"
  app_service_plan_id = "plan-id"

  site_config { # expect: TF-020
    min_tls_version = "1.2"
  }
}
