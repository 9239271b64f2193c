"""TF-026 registry-scanning-and-immutable-tags: pushed images are scanned and tags never move."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.registries import REGISTRIES


@policy(
    id="TF-026",
    name="registry-scanning-and-immutable-tags",
    title="Container registries scan images and keep tags immutable",
    severity=Severity.MEDIUM,
    rationale=(
        "A mutable tag lets a later push replace the image a deployment, a rollback or a "
        "vulnerability scan referred to, so what runs is not what was tested. Scanning on "
        "push (or continuously) finds known vulnerabilities in images before and after they "
        "ship."
    ),
    remediation=(
        'ECR: image_tag_mutability = "IMMUTABLE" and image_scanning_configuration '
        "{ scan_on_push = true } (or an ENHANCED aws_ecr_registry_scanning_configuration), "
        "without force_delete. Artifact Registry: docker_config { immutable_tags = true } and "
        "the containerscanning.googleapis.com API. ACR: quarantine_policy_enabled on Premium "
        'registries and Defender for Containers (resource_type = "Containers", tier = '
        '"Standard").'
    ),
    controls=("NIST-800-53-RA-5", "NIST-800-53-SI-7", "NIST-800-53-CM-14"),
    references=(
        "checkov:CKV_AWS_163",
        "checkov:CKV_AWS_51",
        "checkov:CKV_AZURE_163",
        "checkov:CKV_AZURE_166",
        "trivy:AVD-AWS-0030",
        "trivy:AVD-AWS-0031",
    ),
    applies=lambda r: r.type in REGISTRIES and not r.disabled,
    example="""\
resource "aws_ecr_repository" "api" {
  name = "api"
}
""",
    use_instead="""\
resource "aws_ecr_repository" "api" {
  name                 = "api"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}
""",
)
def registry_scanning_and_immutable_tags(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = REGISTRIES.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module)
