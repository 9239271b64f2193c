provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAIOSFODNN7EXAMPLE" # expect: TF-011
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" # expect: TF-011
}

provider "azurerm" {
  features {}
  client_id     = "00000000-0000-0000-0000-000000000000"
  client_secret = "Az~8Q~l1teralClientSecret.9z" # expect: TF-011
}

provider "google" {
  project     = "acme"
  credentials = file("keys/terraform-sa.json") # expect: TF-011
}

provider "google-beta" {
  project     = "acme"
  credentials = "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEv\"}" # expect: TF-011
}

provider "github" {
  owner = "acme"
  token = "ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5" # expect: TF-011
}
