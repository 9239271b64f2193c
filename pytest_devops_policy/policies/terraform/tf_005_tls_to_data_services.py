"""TF-005 tls-to-data-services: databases, caches, queues and storage require TLS."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.transit import TRANSIT, azurerm_major
from pytest_devops_policy.options import TfOptions


def _applies(r: TfResource, context: Context) -> bool:
    return not r.disabled and r.type in TRANSIT


@policy(
    id="TF-005",
    name="tls-to-data-services",
    title="Data services only accept encrypted connections",
    severity=Severity.HIGH,
    rationale=(
        "Database, cache, broker and storage traffic carries credentials and the data itself. "
        "A service that still accepts plain-text connections is one misconfigured client or "
        "one compromised network hop away from leaking both; forcing TLS on the server side "
        "makes the secure path the only path."
    ),
    remediation=(
        "Enable ElastiCache transit_encryption_enabled; give RDS instances a parameter group "
        "with rds.force_ssl = 1 (PostgreSQL < 15) or require_secure_transport = 1 "
        "(MySQL/MariaDB); set ECS EFS volumes to transit_encryption = ENABLED and MSK "
        "client_broker = TLS; turn on node_to_node_encryption in OpenSearch/Elasticsearch "
        "domains; deny aws:SecureTransport = false in S3 bucket policies; set "
        "Cloud SQL ssl_mode = ENCRYPTED_ONLY; on Azure require HTTPS and TLS1_2 on storage "
        "accounts, SSL enforcement with TLS 1.2 on database servers, and disable the Redis "
        "non-SSL port."
    ),
    controls=("NIST-800-53-SC-8", "NIST-800-53-SC-8(1)", "CIS-GCP-6.4", "CIS-Azure-3.1"),
    references=(
        "checkov:CKV_AWS_30",
        "checkov:CKV_AWS_31",
        "checkov:CKV2_AWS_69",
        "checkov:CKV_AWS_97",
        "checkov:CKV_AWS_6",
        "checkov:CKV_GCP_6",
        "checkov:CKV_AZURE_3",
        "checkov:CKV_AZURE_44",
        "checkov:CKV_AZURE_29",
        "checkov:CKV_AZURE_28",
        "checkov:CKV_AZURE_147",
        "checkov:CKV_AZURE_52",
        "checkov:CKV_AZURE_54",
        "trivy:AVD-AWS-0051",
        "trivy:AVD-AWS-0035",
        "trivy:AVD-AWS-0043",
        "trivy:AVD-GCP-0015",
        "trivy:AVD-AZU-0008",
        "trivy:AVD-AZU-0011",
        "trivy:AVD-AZU-0020",
        "trivy:AVD-AZU-0026",
    ),
    applies=_applies,
    example="""\
resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = "sessions"
  description          = "session store"
  engine               = "redis"
  node_type            = "cache.t4g.small"
}
""",
    use_instead="""\
resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "sessions"
  description                = "session store"
  engine                     = "redis"
  node_type                  = "cache.t4g.small"
  transit_encryption_enabled = true
}
""",
)
def tls_to_data_services(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = TRANSIT.get(tf_resource.type)
    if check is None:
        return
    azurerm: int | None = None
    if tf_resource.type.startswith("azurerm_"):
        configured = context.options(TfOptions).azurerm_min_version
        azurerm = azurerm_major(module.files, configured)
    yield from check(tf_resource, module, azurerm)
