# Unencrypted, but whether it keeps backups depends on var.backup_days (no default).
# expect-unknown: TF-003
variable "backup_days" {
  type = number
}

resource "aws_db_instance" "maybe_backed_up" {
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = var.backup_days
}

variable "vault_key" {
  type = string
}

resource "aws_backup_vault" "key_from_variable" {
  name        = "main"
  kms_key_arn = var.vault_key
}
