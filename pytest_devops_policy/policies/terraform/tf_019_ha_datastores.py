"""TF-019 ha-datastores: production datastores survive the loss of a zone."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.availability import HA_CHECKS
from pytest_devops_policy.knowledge.terraform.environment import (
    production,
    production_unresolved,
)
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.replicas import (
    REPLICA_SOURCE,
    is_replica,
    unless_replica,
)
from pytest_devops_policy.options import TfOptions


def _applies(r: TfResource, context: Context) -> bool:
    if r.disabled or r.type not in HA_CHECKS:
        return False
    module: TfModule = context.index(r)
    if r.type in REPLICA_SOURCE and is_replica(r, module) is True:
        return False  # a replica is itself the redundancy of its source
    # Production only (catalog §5.2-10); unresolved tags may still make it production.
    prod_paths = context.options(TfOptions).prod_paths
    return production(r, module, module.files, prod_paths) is not False


@policy(
    id="TF-019",
    name="ha-datastores",
    title="Production datastores are highly available",
    severity=Severity.MEDIUM,
    rationale=(
        "A zone outage, a host failure or a maintenance reboot takes a single-zone database, "
        "cache or cluster down with everything that depends on it. Production datastores need "
        "a standby or replica in another zone and automatic failover, so a failure costs "
        "seconds instead of a restore. Only production modules (tf.prod_paths, or an "
        "env/environment = prod* tag) are judged."
    ),
    remediation=(
        "AWS: multi_az = true on RDS, two or more aws_rds_cluster_instance per Aurora cluster, "
        "ElastiCache automatic_failover_enabled and multi_az_enabled with a replica. GCP: "
        'Cloud SQL settings.availability_type = "REGIONAL", regional GKE clusters. Azure: '
        'flexible servers with high_availability { mode = "ZoneRedundant" }, zone_redundant '
        "SQL databases, ZRS/GZRS storage."
    ),
    controls=("NIST-800-53-CP-2", "NIST-800-53-CP-10", "NIST-800-53-SC-36"),
    references=(
        "checkov:CKV_AWS_157",
        "checkov:CKV2_AWS_50",
        "checkov:CKV_AZURE_229",
        "checkov:CKV_AZURE_206",
        "trivy:AVD-AZU-0058",
    ),
    applies=_applies,
    example="""\
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.r6g.large"
  tags           = { Environment = "production" }
}
""",
    use_instead="""\
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.r6g.large"
  multi_az       = true
  tags           = { Environment = "production" }
}
""",
)
def ha_datastores(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = HA_CHECKS.get(tf_resource.type)
    if check is None:
        return
    findings = check(tf_resource, module)
    if tf_resource.type in REPLICA_SOURCE:
        findings = unless_replica(findings, tf_resource, module)
    prod = production(tf_resource, module, module.files, context.options(TfOptions).prod_paths)
    if prod is True:
        yield from findings
        return
    found = list(findings)
    violation = next((f for f in found if isinstance(f, Violation)), None)
    if violation is None:
        yield from found
        return
    yield Unknown(
        f"{violation.message}; but this applies to production only, and whether this is "
        f"production depends on {production_unresolved(tf_resource, module, module.files)}"
    )
