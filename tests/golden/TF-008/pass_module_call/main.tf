module "db" {
  source  = "./modules/db"
  public  = false
  protect = true
}

# A call that creates nothing is not judged.
module "none" {
  source = "./modules/db"
  count  = 0
  public = true
}
