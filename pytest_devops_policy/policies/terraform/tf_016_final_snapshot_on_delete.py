"""TF-016 final-snapshot-on-delete: deleting a database leaves a snapshot behind."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.replicas import is_replica, unless_replica
from pytest_devops_policy.knowledge.terraform.snapshots import FINAL_SNAPSHOT_CHECKS


def _applies(r: TfResource, context: Context) -> bool:
    if r.disabled or r.type not in FINAL_SNAPSHOT_CHECKS:
        return False
    # A read replica takes no final snapshot (its source holds the data); an instance
    # that may or may not be one is judged, with Unknown where that decides.
    return is_replica(r, context.index(r)) is not True


@policy(
    id="TF-016",
    name="final-snapshot-on-delete",
    title="Databases keep a final snapshot when deleted",
    severity=Severity.MEDIUM,
    rationale=(
        "When a database is destroyed, by mistake or by a replacement Terraform planned, the "
        "final snapshot and the retained backups are the only way back. Skipping the final "
        "snapshot or purging automated backups on delete turns a recoverable mistake into "
        "data loss; a missing snapshot name makes destroy fail, and the usual fix under "
        "pressure is to skip the snapshot."
    ),
    remediation=(
        "Set skip_final_snapshot = false (the default) with a final_snapshot_identifier on "
        "RDS, Aurora, DocumentDB, Neptune and Redshift, delete_automated_backups = false on "
        "RDS instances, final_snapshot_identifier on ElastiCache replication groups and a "
        "long_term_retention_policy on Azure SQL databases."
    ),
    controls=("NIST-800-53-CP-9", "NIST-800-53-CP-10"),
    references=(
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#skip_final_snapshot",
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html",
    ),
    applies=_applies,
    example="""\
resource "aws_db_instance" "orders" {
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  skip_final_snapshot = true
}
""",
    use_instead="""\
resource "aws_db_instance" "orders" {
  engine                    = "postgres"
  instance_class            = "db.t4g.medium"
  final_snapshot_identifier = "orders-final"
  delete_automated_backups  = false
}
""",
)
def final_snapshot_on_delete(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = FINAL_SNAPSHOT_CHECKS.get(tf_resource.type)
    if check is not None:
        yield from unless_replica(check(tf_resource, module), tf_resource, module)
