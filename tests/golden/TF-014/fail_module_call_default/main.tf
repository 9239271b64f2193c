# The child's default (protect = false) applies: reported at the call.
module "db" { # expect: TF-014
  source = "./modules/db"
  public = false
}
