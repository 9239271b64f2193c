"""TF-022 audit-logging: who did what to accounts, clusters, vaults and databases is recorded.

A resource policy (one item per trail, EKS cluster, audit config, Key Vault, SQL server, AKS
cluster: ``knowledge.terraform.audit``) that also judges a root module's ``terraform`` block
(``kinds.TF_BLOCK_POLICIES``) when ``tf.require_cloudtrail`` is on: a root module with an
``aws`` provider needs an ``aws_cloudtrail`` somewhere in the tree
(``indexes.terraform_trails``). Its item is the module-level one TF-027 uses
(``main.tf::terraform::TF-022``).
"""

from __future__ import annotations

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.blocks import TfBlock
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.indexes.terraform_blocks import is_anchor, is_root
from pytest_devops_policy.indexes.terraform_trails import (
    MAX_ENTRIES,
    aws_provider,
    trail_search,
)
from pytest_devops_policy.knowledge.terraform.audit import AUDIT
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.options import TfOptions

Subject = TfResource | TfBlock


def _applies(tf_resource: Subject, context: Context) -> bool:
    if isinstance(tf_resource, TfBlock):
        if tf_resource.type != "terraform" or not context.options(TfOptions).require_cloudtrail:
            return False
        module: TfModule = context.index(tf_resource)
        return (
            is_root(module, context)
            and is_anchor(tf_resource, module, context)
            and aws_provider(module, context) is not None
        )
    return tf_resource.type in AUDIT and not tf_resource.disabled


def _listed(items: list[str], limit: int = 5) -> str:
    more = len(items) - limit
    return "; ".join(items[:limit]) + (f"; and {more} more" if more > 0 else "")


def _trail_required(block: TfBlock, context: Context) -> Findings:
    module: TfModule = context.index(block)
    provider = aws_provider(module, context)
    search = trail_search(context.cache)
    if provider is None or search.found is not None:
        return
    searched = search.searched(context.cache)
    undecided = search.undecided()
    if undecided or search.tree.truncated:
        why = [f"{c.what}: {c.why}" for c in undecided]
        if search.tree.truncated:
            why.append(f"the search stopped after {MAX_ENTRIES} directory entries")
        yield Unknown(f"no aws_cloudtrail that surely records in {searched}: {_listed(why)}")
        return
    ignored = search.not_counted()
    found = "no aws_cloudtrail that records" if ignored else "no aws_cloudtrail"
    also = (
        " (not counted: " + _listed([f"{c.what} with {c.why}" for c in ignored]) + ")"
        if ignored
        else ""
    )
    yield Violation(
        f"{provider.what} ({provider.where}) in a root module, and {found} in {searched}: "
        f"nothing records the API calls made in the account it deploys to{also}. "
        "Add a multi-region trail (or an organization trail), or set "
        "tf.require_cloudtrail = false when one is managed elsewhere"
    )


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
        "logs, and an SQL server auditing policy keeping logs >= 90 days. With "
        "tf.require_cloudtrail, a root module with an aws provider needs an aws_cloudtrail "
        "(an organization trail counts) in some Terraform module of the repository."
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
    applies=_applies,
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
def audit_logging(tf_resource: Subject, context: Context) -> Findings:
    if isinstance(tf_resource, TfBlock):
        yield from _trail_required(tf_resource, context)
        return
    module: TfModule = context.index(tf_resource)
    check = AUDIT.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module)
