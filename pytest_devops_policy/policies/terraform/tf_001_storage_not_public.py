"""TF-001 storage-not-public: object storage must not be readable by the internet."""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform import aws_s3, azure_storage, gcp_storage
from pytest_devops_policy.knowledge.terraform.module import Findings, Module

# Who can read a bucket or container, per resource type, as each provider decides it.
_CHECKS: dict[str, Callable[[TfResource, Module], Findings]] = {
    **aws_s3.PUBLIC_ACCESS,
    **gcp_storage.PUBLIC_ACCESS,
    **azure_storage.PUBLIC_ACCESS,
}


@policy(
    id="TF-001",
    name="storage-not-public",
    title="Object storage is not publicly accessible",
    severity=Severity.CRITICAL,
    rationale=(
        "A bucket or container that anyone on the internet can list or read is the most common "
        "way cloud data leaks. Public access must be blocked by default (S3 public access "
        "blocks, GCS public access prevention, Azure nested-item public access off) and never "
        "granted through ACLs, IAM bindings or bucket policies addressed to everyone."
    ),
    remediation=(
        "AWS: attach an aws_s3_bucket_public_access_block with all four settings true (or an "
        'account-level block), drop public-read ACLs and restrict any Principal "*" statement '
        "with aws:SourceVpce / aws:PrincipalOrgID / aws:SourceArn. GCP: set "
        'public_access_prevention = "enforced" and uniform_bucket_level_access = true, and never '
        "bind allUsers/allAuthenticatedUsers. Azure: set allow_nested_items_to_be_public = false, "
        "keep containers private and deny public network access."
    ),
    controls=(
        "CIS-AWS-2.1.5",
        "CIS-GCP-5.1",
        "CIS-GCP-5.2",
        "CIS-Azure-3.7",
        "NIST-800-53-AC-3",
        "NIST-800-53-AC-6",
    ),
    references=(
        "checkov:CKV_AWS_53",
        "checkov:CKV_AWS_54",
        "checkov:CKV_AWS_55",
        "checkov:CKV_AWS_56",
        "checkov:CKV2_AWS_6",
        "checkov:CKV_AWS_20",
        "checkov:CKV_AWS_57",
        "checkov:CKV_AWS_70",
        "checkov:CKV_GCP_114",
        "checkov:CKV_GCP_29",
        "checkov:CKV_GCP_28",
        "checkov:CKV_AZURE_59",
        "checkov:CKV_AZURE_190",
        "checkov:CKV_AZURE_34",
        "checkov:CKV2_AZURE_47",
        "trivy:AVD-AWS-0086",
        "trivy:AVD-AWS-0087",
        "trivy:AVD-AWS-0091",
        "trivy:AVD-AWS-0092",
        "trivy:AVD-AWS-0093",
        "trivy:AVD-AWS-0094",
        "trivy:AVD-GCP-0001",
        "trivy:AVD-GCP-0002",
        "trivy:AVD-AZU-0007",
    ),
    applies=lambda r: r.type in _CHECKS and not r.disabled,
    example="""\
resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
}

resource "aws_s3_bucket_acl" "assets" {
  bucket = aws_s3_bucket.assets.id
  acl    = "public-read"
}
""",
    use_instead="""\
resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket                  = aws_s3_bucket.assets.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
""",
)
def storage_not_public(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = _CHECKS.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module)
