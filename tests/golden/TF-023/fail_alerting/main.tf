# A service and no alert anywhere in the module.
resource "google_cloud_run_v2_service" "api" { # expect: TF-023
  name     = "api"
  location = "europe-west1"
  template {
    containers {
      image = "api:1"
    }
  }
}

resource "azurerm_linux_web_app" "shop" { # expect: TF-023
  name                = "shop"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"
  site_config {}
}

resource "aws_eks_cluster" "main" { # expect: TF-023
  name     = "main"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}

# A disabled alarm does not count.
resource "aws_cloudwatch_metric_alarm" "off" {
  count      = 0
  alarm_name = "off"
}
