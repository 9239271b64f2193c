"""TF-022 audit-logging: who did what to accounts, clusters, vaults and databases is recorded."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.audit import AUDIT
from pytest_devops_policy.knowledge.terraform.module import Findings


@policy(
    id="TF-022",
    name="audit-logging",
    title="Audit logging is complete and tamper-evident",
    severity=Severity.HIGH,
    rationale=(
        "After an incident the first question is who did what, when and from where. Trails "
        "that skip regions or global services, log files that can be altered unnoticed, "
        "Kubernetes API calls, data reads and Key Vault operations that are never recorded, "
        "and SQL audit logs deleted after a few days leave that question unanswered."
    ),
    remediation=(
        "CloudTrail: is_multi_region_trail and enable_log_file_validation = true, global "
        "service events and logging on, a kms_key_id and a CloudWatch Logs group. EKS: "
        'enabled_cluster_log_types = ["api", "audit", "authenticator"]. GCP: an IAM audit '
        'config for "allServices" with ADMIN_READ, DATA_READ and DATA_WRITE and no '
        "exemptions. Azure: diagnostic settings sending Key Vault AuditEvent and AKS kube-audit "
        "logs, and an SQL server auditing policy keeping logs >= 90 days."
    ),
    controls=(
        "CIS-AWS-3.1",
        "CIS-AWS-3.2",
        "CIS-GCP-2.1",
        "CIS-Azure-5.1.5",
        "NIST-800-53-AU-2",
        "NIST-800-53-AU-9",
        "NIST-800-53-AU-12",
    ),
    references=(
        "checkov:CKV_AWS_67",
        "checkov:CKV_AWS_36",
        "checkov:CKV_AWS_35",
        "checkov:CKV_AWS_251",
        "checkov:CKV2_AWS_10",
        "checkov:CKV_AWS_37",
        "checkov:CKV2_GCP_5",
        "checkov:CKV_AZURE_23",
        "checkov:CKV_AZURE_24",
        "trivy:AVD-AWS-0014",
        "trivy:AVD-AWS-0016",
        "trivy:AVD-AWS-0015",
        "trivy:AVD-AWS-0038",
        "trivy:AVD-GCP-0079",
        "trivy:AVD-AZU-0027",
        "trivy:AVD-AZU-0025",
    ),
    applies=lambda r: r.type in AUDIT and not r.disabled,
    example="""\
resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "acme-cloudtrail"
}
""",
    use_instead="""\
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "acme-cloudtrail"
  is_multi_region_trail      = true
  enable_log_file_validation = true
  kms_key_id                 = aws_kms_key.trail.arn
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.trail.arn
}
""",
)
def audit_logging(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = AUDIT.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module)
