terraform {
  required_version = ">= 1.6"
  backend "azurerm" { # expect: TF-027
    storage_account_name = "acmetfstate"
    container_name       = "tfstate"
    key                  = "network.terraform.tfstate"
    access_key           = "k3J9xQ2mV7pL4wR8tY1uZ6aB0cD5eF3gH9iJ2kL7mN4oP8qR1sT6uV0wX5yZ3aB7cD2eF9gH4iJ1kL6mN8oP3qR==" # expect: TF-027
  }
}

provider "azurerm" {
  features {}
}
