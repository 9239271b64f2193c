# var.protect_orders has no default: cannot be checked statically.
# expect-unknown: TF-014
variable "protect_orders" {
  type = bool
}

resource "aws_db_instance" "unknown" {
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  deletion_protection = var.protect_orders
}

variable "env_is_prod" {
  type = bool
}

resource "google_storage_bucket" "maybe_force_destroy" {
  name          = "acme-tf014-maybe"
  location      = "EU"
  force_destroy = var.env_is_prod ? false : true
}
