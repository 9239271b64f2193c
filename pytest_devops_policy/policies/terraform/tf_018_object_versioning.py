"""TF-018 object-versioning: overwritten or deleted objects can be recovered."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.aws_s3 import bucket_of
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.versioning import VERSIONING_CHECKS, exempt, judged
from pytest_devops_policy.options import TfOptions


def _applies(r: TfResource, context: Context) -> bool:
    if r.disabled or not judged(r):
        return False
    options = context.options(TfOptions)
    module: TfModule = context.index(r)
    owner = bucket_of(module, r) if r.type == "aws_s3_bucket_versioning" else r
    if owner is None:
        return True  # a versioning resource for a bucket outside this module
    return not exempt(owner, module, options.versioning_exempt, options.versioning_exempt_tags)


@policy(
    id="TF-018",
    name="object-versioning",
    title="Object storage keeps previous versions",
    severity=Severity.MEDIUM,
    rationale=(
        "A faulty deploy, a sync with --delete or ransomware overwrites or deletes objects in "
        "place; without versioning or soft delete there is nothing to restore from. Versioning "
        "keeps every previous version, soft delete keeps deleted objects and containers for a "
        "retention window, and MFA delete keeps a stolen key from purging the versions."
    ),
    remediation=(
        'AWS: attach an aws_s3_bucket_versioning with status = "Enabled" (v3: versioning { '
        "enabled = true }), and consider mfa_delete. GCP: versioning { enabled = true } (or at "
        "least a soft_delete_policy). Azure: blob_properties { versioning_enabled = true } with "
        "delete_retention_policy and container_delete_retention_policy of at least 7 days. "
        "Exempt log-only buckets with tf.versioning_exempt or a purpose = logs tag."
    ),
    controls=("NIST-800-53-CP-9", "NIST-800-53-SI-7"),
    references=(
        "checkov:CKV_AWS_21",
        "checkov:CKV_GCP_78",
        "checkov:CKV2_AZURE_38",
        "trivy:AVD-AWS-0090",
        "trivy:AVD-AWS-0170",
        "trivy:AVD-GCP-0078",
        "trivy:AVD-AZU-0056",
    ),
    applies=_applies,
    example="""\
resource "aws_s3_bucket" "uploads" {
  bucket = "acme-uploads"
}
""",
    use_instead="""\
resource "aws_s3_bucket" "uploads" {
  bucket = "acme-uploads"
}

resource "aws_s3_bucket_versioning" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Enabled"
  }
}
""",
)
def object_versioning(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = VERSIONING_CHECKS.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module)
