"""TF-013 kms-key-rotation: symmetric encryption keys rotate automatically."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.rotation import KEY_ROTATION, rotation_exempt
from pytest_devops_policy.options import TfOptions


def _applies(r: TfResource, context: Context) -> bool:
    if r.disabled or r.type not in KEY_ROTATION:
        return False
    # Asymmetric, HMAC and custom-key-store keys cannot rotate automatically: N/A.
    return not rotation_exempt(r, context.index(r))


@policy(
    id="TF-013",
    name="kms-key-rotation",
    title="Encryption keys rotate automatically",
    severity=Severity.MEDIUM,
    rationale=(
        "A key that never rotates protects every byte ever written with the same material: "
        "once it leaks, or the algorithm weakens, all of it is exposed. Automatic rotation "
        "limits how much data one key version protects and costs nothing, since old versions "
        "keep decrypting what they encrypted."
    ),
    remediation=(
        "AWS: enable_key_rotation = true on symmetric aws_kms_key resources (with "
        "rotation_period_in_days <= 365 if set). GCP: set rotation_period on "
        'google_kms_crypto_key to at most tf.max_rotation_days (90 days = "7776000s"). '
        "Azure: give azurerm_key_vault_key a rotation_policy with an automatic block "
        '(time_after_creation = "P90D").'
    ),
    controls=("CIS-AWS-3.8", "CIS-GCP-1.10", "NIST-800-53-SC-12"),
    references=(
        "checkov:CKV_AWS_7",
        "checkov:CKV_GCP_43",
        "trivy:AVD-AWS-0065",
        "trivy:AVD-GCP-0065",
    ),
    applies=_applies,
    example="""\
resource "aws_kms_key" "data" {
  description = "application data"
  # enable_key_rotation not set: the key material never changes
}
""",
    use_instead="""\
resource "aws_kms_key" "data" {
  description         = "application data"
  enable_key_rotation = true
}
""",
)
def kms_key_rotation(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    max_days = context.options(TfOptions).max_rotation_days
    check = KEY_ROTATION.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module, max_days)
