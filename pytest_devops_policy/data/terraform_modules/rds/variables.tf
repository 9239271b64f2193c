# Inputs of terraform-aws-modules/rds/aws (v7) that the stand-in models, with that
# module's defaults. Inputs not declared here are accepted by the real module but change
# nothing the policies read (see main.tf).

variable "identifier" {
  description = "The name of the RDS instance (required by the real module)."
  type        = string
}

variable "instance_use_identifier_prefix" {
  type    = bool
  default = false
}

variable "create_db_instance" {
  type    = bool
  default = true
}

variable "engine" {
  type    = string
  default = null
}

variable "engine_version" {
  type    = string
  default = null
}

variable "instance_class" {
  type    = string
  default = null
}

variable "allocated_storage" {
  type    = number
  default = null
}

variable "max_allocated_storage" {
  type    = number
  default = 0
}

variable "storage_type" {
  type    = string
  default = null
}

variable "iops" {
  type    = number
  default = null
}

variable "storage_encrypted" {
  type    = bool
  default = true
}

variable "kms_key_id" {
  type    = string
  default = null
}

variable "db_name" {
  type    = string
  default = null
}

variable "username" {
  type    = string
  default = null
}

variable "password" {
  description = "v6's name of the master password (v7: password_wo)."
  type        = string
  default     = null
  sensitive   = true
}

variable "password_wo" {
  type      = string
  default   = null
  sensitive = true
}

variable "manage_master_user_password" {
  type    = bool
  default = true
}

variable "master_user_secret_kms_key_id" {
  type    = string
  default = null
}

variable "port" {
  type    = string
  default = null
}

variable "iam_database_authentication_enabled" {
  type    = bool
  default = false
}

variable "vpc_security_group_ids" {
  type    = list(string)
  default = []
}

variable "db_subnet_group_name" {
  type    = string
  default = null
}

variable "create_db_parameter_group" {
  type    = bool
  default = true
}

variable "parameter_group_name" {
  type    = string
  default = null
}

variable "parameter_group_use_name_prefix" {
  type    = bool
  default = true
}

variable "family" {
  type    = string
  default = null
}

variable "parameters" {
  type = list(object({
    name         = string
    value        = string
    apply_method = optional(string)
  }))
  default = null
}

variable "option_group_name" {
  type    = string
  default = null
}

variable "availability_zone" {
  type    = string
  default = null
}

variable "multi_az" {
  type    = bool
  default = false
}

variable "publicly_accessible" {
  type    = bool
  default = false
}

variable "ca_cert_identifier" {
  type    = string
  default = null
}

variable "allow_major_version_upgrade" {
  type    = bool
  default = false
}

variable "auto_minor_version_upgrade" {
  type    = bool
  default = true
}

variable "apply_immediately" {
  type    = bool
  default = false
}

variable "maintenance_window" {
  type    = string
  default = null
}

variable "snapshot_identifier" {
  type    = string
  default = null
}

variable "copy_tags_to_snapshot" {
  type    = bool
  default = true
}

variable "skip_final_snapshot" {
  type    = bool
  default = false
}

variable "final_snapshot_identifier_prefix" {
  type    = string
  default = "final"
}

variable "performance_insights_enabled" {
  type    = bool
  default = false
}

variable "performance_insights_retention_period" {
  type    = number
  default = 7
}

variable "performance_insights_kms_key_id" {
  type    = string
  default = null
}

variable "replicate_source_db" {
  type    = string
  default = null
}

variable "backup_retention_period" {
  type    = number
  default = null
}

variable "backup_window" {
  type    = string
  default = null
}

variable "monitoring_interval" {
  type    = number
  default = 0
}

variable "monitoring_role_arn" {
  type    = string
  default = null
}

variable "create_monitoring_role" {
  type    = bool
  default = false
}

variable "monitoring_role_name" {
  type    = string
  default = "rds-monitoring-role"
}

variable "enabled_cloudwatch_logs_exports" {
  type    = list(string)
  default = []
}

variable "deletion_protection" {
  type    = bool
  default = false
}

variable "delete_automated_backups" {
  type    = bool
  default = true
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "db_instance_tags" {
  type    = map(string)
  default = {}
}

variable "db_parameter_group_tags" {
  type    = map(string)
  default = {}
}
