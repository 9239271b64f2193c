"""TF-003 backups-encrypted: backups, snapshot copies and backup vaults are encrypted."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.backup_encryption import BACKUP_ENCRYPTION
from pytest_devops_policy.knowledge.terraform.encryption import db_replica, is_set
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.options import TfOptions


def _applies(r: TfResource, context: Context) -> bool:
    if r.disabled or r.type not in BACKUP_ENCRYPTION:
        return False
    if r.type == "aws_db_instance":
        return db_replica(r, context.index(r)) is not True  # backups live on the source
    if r.type == "google_sql_database_instance":
        # Cloud SQL replicas take no backups; the primary carries them.
        return is_set(r.get("master_instance_name"), context.index(r), r) is not True
    return True


@policy(
    id="TF-003",
    name="backups-encrypted",
    title="Backups and snapshot copies are encrypted",
    severity=Severity.HIGH,
    rationale=(
        "Backups hold the same data as the database, usually for longer, and are copied to "
        "other regions and accounts. An unencrypted RDS instance has unencrypted snapshots "
        "and automated backups; a snapshot copied without encryption stays readable by "
        "whoever gets a share of it; a vault without your own key cannot be recovered from "
        "another account."
    ),
    remediation=(
        "Set storage_encrypted = true on RDS instances and clusters that keep backups, "
        "kms_key_arn on aws_backup_vault, kms_key_id on "
        "aws_db_instance_automated_backups_replication, encrypted = true on DLM cross-region "
        "copy rules and aws_ebs_snapshot_copy. With tf.require_cmk, give Cloud SQL an "
        "encryption_key_name and Azure backup vaults a customer-managed key."
    ),
    controls=("CIS-AWS-2.3.1", "NIST-800-53-CP-9(8)", "NIST-800-53-SC-28"),
    references=(
        "checkov:CKV_AWS_166",
        "checkov:CKV_AWS_245",
        "checkov:CKV_AWS_253",
        "checkov:CKV_AWS_254",
        "checkov:CKV_AWS_255",
        "checkov:CKV_AWS_256",
    ),
    applies=_applies,
    example="""\
resource "aws_backup_vault" "main" {
  name = "main"
  # kms_key_arn not set: recovery points use the AWS-managed aws/backup key
}
""",
    use_instead="""\
resource "aws_kms_key" "backup" {
  enable_key_rotation = true
}

resource "aws_backup_vault" "main" {
  name        = "main"
  kms_key_arn = aws_kms_key.backup.arn
}
""",
)
def backups_encrypted(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    require_cmk = context.options(TfOptions).require_cmk
    check = BACKUP_ENCRYPTION.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module, require_cmk)
