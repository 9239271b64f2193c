# expect-unknown: TF-008
variable "expose" {}

module "db" {
  source = "./modules/db"
  public = var.expose
}
