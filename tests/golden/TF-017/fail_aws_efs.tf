# An EFS file system in the stateful set with no backup plan (medium).
resource "aws_efs_file_system" "unprotected" { # expect: TF-017
  creation_token = "unprotected"
}

resource "aws_efs_file_system" "policy_disabled" { # expect: TF-017
  creation_token = "policy-disabled"
}

resource "aws_efs_backup_policy" "policy_disabled" {
  file_system_id = aws_efs_file_system.policy_disabled.id

  backup_policy {
    status = "DISABLED"
  }
}
