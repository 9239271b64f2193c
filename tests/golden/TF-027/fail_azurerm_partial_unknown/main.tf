# expect-unknown: TF-027
terraform {
  required_version = ">= 1.6"
  backend "azurerm" {}
}

provider "azurerm" {
  features {}
}
