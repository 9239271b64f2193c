"""TF-025 managed-patching: managed services are patched and stay on supported versions."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.patching import PATCHING


@policy(
    id="TF-025",
    name="managed-patching",
    title="Managed services are patched automatically and run supported versions",
    severity=Severity.MEDIUM,
    rationale=(
        "Regular patching is only regular when the platform does it: databases, caches, "
        "brokers, search domains, Kubernetes control planes, node pools and VMs that wait for "
        "a person to upgrade them fall behind on security fixes, and a Kubernetes version past "
        "its end of support gets none at all (or costs extra, then is upgraded without "
        "notice)."
    ),
    remediation=(
        "Keep auto_minor_version_upgrade on (RDS, ElastiCache) and turn it on for Amazon MQ; "
        "enable OpenSearch auto software updates; run an EKS version in standard support "
        "(bundled table); enrol GKE clusters in a release channel with node pools that "
        "auto-upgrade and auto-repair, and give Cloud SQL a maintenance window; set an AKS "
        'automatic upgrade channel and node OS channel, and patch_mode = "AutomaticByPlatform" '
        "on Azure VMs."
    ),
    controls=("NIST-800-53-SI-2", "NIST-800-53-SA-22"),
    references=(
        "checkov:CKV_AWS_226",
        "checkov:CKV_AWS_339",
        "checkov:CKV_GCP_70",
        "checkov:CKV_GCP_10",
        "checkov:CKV_GCP_9",
        "checkov:CKV_AZURE_171",
        "trivy:AVD-GCP-0058",
        "trivy:AVD-GCP-0063",
        "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
    ),
    applies=lambda r: r.type in PATCHING and not r.disabled,
    example="""\
resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = aws_iam_role.eks.arn
  version  = "1.27"

  vpc_config {
    subnet_ids = var.subnet_ids
  }
}
""",
    use_instead="""\
resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = aws_iam_role.eks.arn
  version  = "1.34"

  vpc_config {
    subnet_ids = var.subnet_ids
  }
}
""",
)
def managed_patching(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = PATCHING.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module)
