variable "retention_days" {
  type = number
}
