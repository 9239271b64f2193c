"""TF-017 automated-backups-retained: stateful services keep automated backups long enough."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.model import Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.backups import AUTOMATED_BACKUPS, AZURE_VM_TYPES
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.replicas import (
    REPLICA_SOURCE,
    is_replica,
    unless_replica,
)
from pytest_devops_policy.options import TfOptions


def _applies(r: TfResource, context: Context) -> bool:
    if r.disabled:
        return False
    if r.type in AZURE_VM_TYPES:
        return _tagged_stateful(r.get("tags"))
    if r.type in REPLICA_SOURCE:
        # A read replica's data is backed up on its source (Cloud SQL replicas cannot have
        # backups). replicate_source_db / master_instance_name = var.x whose default is
        # null is a primary; an unresolved one is judged, Unknown where it decides.
        return is_replica(r, context.index(r)) is not True
    return r.type in AUTOMATED_BACKUPS


def _tagged_stateful(tags: Value) -> bool:
    if not isinstance(tags, dict):
        return False
    value = next((v for k, v in tags.items() if k.lower() == "stateful"), None)
    return value is True or (isinstance(value, str) and value.lower() in ("true", "yes", "1"))


@policy(
    id="TF-017",
    name="automated-backups-retained",
    title="Automated backups are enabled and retained",
    severity=Severity.HIGH,
    rationale=(
        "Without automated backups kept for at least a week, a bad migration, a deleted table or "
        "ransomware is discovered after the last restore point has expired. Point-in-time "
        "recovery and a retention window longer than the time it takes to notice a problem are "
        "what make a database change reversible."
    ),
    remediation=(
        "Set backup_retention_period >= 7 on RDS/Aurora/DocumentDB, enable DynamoDB "
        "point_in_time_recovery, set ElastiCache snapshot_retention_limit >= 1, cover EFS with "
        "AWS Backup, enable Cloud SQL backup_configuration with PITR/binary logs and >= 7 "
        "retained backups, keep Azure flexible servers and SQL databases at >= 7 days with "
        "geo-redundant backups, and restore-test them regularly."
    ),
    controls=("NIST-800-53-CP-9", "NIST-800-53-CP-10", "CIS-GCP-6.7"),
    references=(
        "checkov:CKV_AWS_133",
        "checkov:CKV_AWS_28",
        "checkov:CKV_AWS_134",
        "checkov:CKV_AWS_360",
        "checkov:CKV_AWS_361",
        "checkov:CKV2_AWS_8",
        "checkov:CKV2_AWS_9",
        "checkov:CKV_GCP_14",
        "checkov:CKV2_GCP_20",
        "checkov:CKV_AZURE_136",
        "checkov:CKV_AZURE_94",
        "checkov:CKV_AZURE_102",
        "checkov:CKV2_AZURE_12",
        "trivy:AVD-AWS-0077",
        "trivy:AVD-AWS-0024",
        "trivy:AVD-AWS-0050",
        "trivy:AVD-GCP-0024",
        "trivy:AVD-AZU-0058",
    ),
    applies=_applies,
    example="""\
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  # backup_retention_period not set: 0-1 day depending on how it was created
}
""",
    use_instead="""\
resource "aws_db_instance" "orders" {
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 14
}
""",
)
def automated_backups_retained(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    minimum = context.options(TfOptions).min_backup_days
    check = AUTOMATED_BACKUPS.get(tf_resource.type)
    if check is not None:
        yield from unless_replica(check(tf_resource, module, minimum), tf_resource, module)
