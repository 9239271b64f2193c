variable "db_password" {
  type      = string
  sensitive = true
}

variable "session_token" {
  type      = string
  ephemeral = true
}

variable "password_length" {
  type    = number
  default = 32
}

variable "create_random_password" {
  type    = bool
  default = true
}

variable "db_password_secret_name" {
  type    = string
  default = "prod/db"
}

variable "empty_secret" {
  type      = string
  sensitive = true
  default   = ""
}

resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  password       = var.db_password
}

variable "master_user_password_rotation_duration" {
  type    = string
  default = "P7D"
}
