"""TF-024 log-retention-set: logs are kept long enough to investigate, and not forever."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.log_retention import LOG_RETENTION
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.options import TfOptions


@policy(
    id="TF-024",
    name="log-retention-set",
    title="Log retention is set and long enough",
    severity=Severity.LOW,
    rationale=(
        "Incidents and breaches are often found weeks after they start; logs that expired "
        "after the provider's 30-day default cannot say what happened. Logs that never "
        "expire grow without bound and outlive every data-retention promise. An explicit "
        "retention of at least 90 days answers both."
    ),
    remediation=(
        "Set aws_cloudwatch_log_group.retention_in_days (not 0) to at least 90, "
        "google_logging_*_bucket_config.retention_days and "
        "azurerm_log_analytics_workspace.retention_in_days to at least 90, and enable "
        "azurerm_network_watcher_flow_log.retention_policy with days >= 90 "
        "(tf.min_log_retention_days)."
    ),
    controls=("NIST-800-53-AU-11", "NIST-800-53-AU-4"),
    references=(
        "checkov:CKV_AWS_66",
        "checkov:CKV_AWS_338",
        "checkov:CKV_AZURE_37",
        "checkov:CKV_AZURE_12",
        "trivy:AVD-AZU-0031",
        "trivy:AVD-AZU-0049",
    ),
    applies=lambda r: r.type in LOG_RETENTION and not r.disabled,
    example="""\
resource "aws_cloudwatch_log_group" "api" {
  name = "/ecs/api"
}
""",
    use_instead="""\
resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/api"
  retention_in_days = 90
}
""",
)
def log_retention_set(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    minimum = context.options(TfOptions).min_log_retention_days
    check = LOG_RETENTION.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module, minimum)
