terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = { # expect: TF-028
      source = "hashicorp/aws"
    }
    google = { # expect: TF-028
      source  = "hashicorp/google"
      version = ">= 5.0"
    }
    azurerm = "> 3.0" # expect: TF-028
    random = { # expect: TF-028
      source  = "hashicorp/random"
      version = "!= 3.5.0"
    }
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}
