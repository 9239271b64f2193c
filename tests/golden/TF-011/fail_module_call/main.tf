module "db" {
  source   = "./modules/db"
  name     = "orders"
  password = "m0dule-Arg-P4ss-1" # expect: TF-011
}

module "cache" {
  source     = "./modules/cache"
  auth_token = local.cache_token # expect: TF-011
}

locals {
  cache_token = "l0cal-T0ken-8fQ2zL9"
}
