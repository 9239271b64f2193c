# Overrides merge argument by argument: the variable's default becomes true.
variable "protect" {
  default = true
}
