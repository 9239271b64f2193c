bucket = "acme-state"
key    = "network/terraform.tfstate"
region = "eu-west-1"
