# The call makes the child's database public: reported at the argument.
variable "expose" {
  default = true
}

module "db" {
  source  = "./modules/db"
  public  = var.expose # expect: TF-008
  protect = true
}
