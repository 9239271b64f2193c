terraform {
  required_version = ">= 1.6"
  cloud {
    organization = "acme"
    workspaces {
      name = "network-prod"
    }
  }
}
