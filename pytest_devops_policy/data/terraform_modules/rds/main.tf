# Stand-in for the registry module terraform-aws-modules/rds/aws, written against v7
# (read at v7.2.0; v6.13.1 has the same defaults for these inputs, and takes the master
# password as `password` where v7 takes `password_wo`: both are declared). pytest-devops-policy evaluates a call of that module as a call of this
# directory: the call's arguments set these variables, and the policies judge the resources
# below. It is written for that purpose only (never applied) and shares no code with the
# real module; the variables carry the real module's defaults for the inputs modelled here.
#
# Modelled: the DB instance (root module -> modules/db_instance) and the parameter group the
# module creates by default (create_db_parameter_group = true), which TF-005 reads for
# rds.force_ssl / require_secure_transport.
#
# Left out:
# - the random suffix of the final snapshot identifier (it is set whenever
#   skip_final_snapshot is false, which is what TF-016 asks);
# - backup_retention_period's coalesce(..., 1) under blue_green_update (1 day stays below
#   any useful tf.min_backup_days, so TF-017's verdict is the same);
# - the CloudWatch log groups (create_cloudwatch_log_group, default false), the enhanced
#   monitoring role's policy attachment, the managed-password rotation resource, the subnet group, the
#   option group and the role associations: resources whose existence depends on a
#   conditional count would be judged even when the call does not create them;
# - restore_to_point_in_time, s3_import, timeouts, domain (Active Directory) settings,
#   engine_lifecycle_support, storage_throughput, network_type: no policy reads them.

resource "aws_db_instance" "this" {
  count = var.create_db_instance ? 1 : 0

  identifier        = var.instance_use_identifier_prefix ? null : var.identifier
  identifier_prefix = var.instance_use_identifier_prefix ? "${var.identifier}-" : null

  engine            = var.replicate_source_db != null ? null : var.engine
  engine_version    = var.engine_version
  instance_class    = var.instance_class
  allocated_storage = var.allocated_storage
  storage_type      = var.storage_type
  iops              = var.iops
  storage_encrypted = var.storage_encrypted
  kms_key_id        = var.kms_key_id

  db_name                             = var.db_name
  username                            = var.replicate_source_db != null ? null : var.username
  password                            = var.replicate_source_db == null && var.manage_master_user_password ? null : var.password
  password_wo                         = var.replicate_source_db == null && var.manage_master_user_password ? null : var.password_wo
  port                                = var.port
  iam_database_authentication_enabled = var.iam_database_authentication_enabled
  manage_master_user_password         = var.replicate_source_db == null && var.manage_master_user_password ? var.manage_master_user_password : null
  master_user_secret_kms_key_id       = var.replicate_source_db == null && var.manage_master_user_password ? var.master_user_secret_kms_key_id : null

  vpc_security_group_ids = var.vpc_security_group_ids
  db_subnet_group_name   = var.db_subnet_group_name
  parameter_group_name   = var.create_db_parameter_group ? aws_db_parameter_group.this[0].id : var.parameter_group_name
  option_group_name      = var.engine != "postgres" ? var.option_group_name : null

  availability_zone   = var.availability_zone
  multi_az            = var.multi_az
  publicly_accessible = var.publicly_accessible
  ca_cert_identifier  = var.ca_cert_identifier

  allow_major_version_upgrade = var.allow_major_version_upgrade
  auto_minor_version_upgrade  = var.auto_minor_version_upgrade
  apply_immediately           = var.apply_immediately
  maintenance_window          = var.maintenance_window

  snapshot_identifier       = var.snapshot_identifier
  copy_tags_to_snapshot     = var.copy_tags_to_snapshot
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${var.final_snapshot_identifier_prefix}-${var.identifier}"

  performance_insights_enabled          = var.performance_insights_enabled
  performance_insights_retention_period = var.performance_insights_enabled ? var.performance_insights_retention_period : null
  performance_insights_kms_key_id       = var.performance_insights_enabled ? var.performance_insights_kms_key_id : null

  replicate_source_db     = var.replicate_source_db
  backup_retention_period = var.backup_retention_period
  backup_window           = var.backup_window
  max_allocated_storage   = var.max_allocated_storage
  monitoring_interval     = var.monitoring_interval
  monitoring_role_arn     = var.monitoring_interval > 0 ? (var.create_monitoring_role ? aws_iam_role.enhanced_monitoring[0].arn : var.monitoring_role_arn) : null

  enabled_cloudwatch_logs_exports = var.enabled_cloudwatch_logs_exports

  deletion_protection      = var.deletion_protection
  delete_automated_backups = var.delete_automated_backups

  tags = merge(var.tags, var.db_instance_tags)
}

# The module's own parameter group (modules/db_parameter_group), created unless
# create_db_parameter_group = false; its name is the identifier (a name_prefix by default).
resource "aws_db_parameter_group" "this" {
  count = var.create_db_parameter_group ? 1 : 0

  name        = var.parameter_group_use_name_prefix ? null : coalesce(var.parameter_group_name, var.identifier)
  name_prefix = var.parameter_group_use_name_prefix ? "${coalesce(var.parameter_group_name, var.identifier)}-" : null
  family      = var.family

  dynamic "parameter" {
    for_each = var.parameters != null ? var.parameters : []
    content {
      name         = parameter.value.name
      value        = parameter.value.value
      apply_method = lookup(parameter.value, "apply_method", null)
    }
  }

  tags = merge(var.tags, var.db_parameter_group_tags)
}

# The enhanced monitoring role the module creates when create_monitoring_role = true.
resource "aws_iam_role" "enhanced_monitoring" {
  count = var.create_monitoring_role ? 1 : 0

  name = var.monitoring_role_name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "monitoring.rds.amazonaws.com" }
    }]
  })
}
