"""TF-012 secret-rotation-configured: managed secrets rotate, or at least expire."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.secret_rotation import (
    SECRET_ROTATION,
    has_master_password,
)
from pytest_devops_policy.options import TfOptions


def _applies(r: TfResource, context: Context) -> bool:
    if r.disabled or r.type not in SECRET_ROTATION:
        return False
    if r.type in ("aws_db_instance", "aws_rds_cluster"):
        return has_master_password(r, context.index(r))
    return True


@policy(
    id="TF-012",
    name="secret-rotation-configured",
    title="Secrets rotate automatically",
    severity=Severity.MEDIUM,
    rationale=(
        "A credential that never changes stays useful to whoever copied it: from a log, a "
        "laptop, a former colleague or a leaked state file. Automatic rotation (or at least "
        "an expiry date) bounds how long a leaked secret works, and proves the applications "
        "can take a new one without an outage."
    ),
    remediation=(
        "AWS: attach an aws_secretsmanager_secret_rotation to every secret with "
        "rotation_rules.automatically_after_days <= tf.max_rotation_days (or a "
        "schedule_expression), and let RDS manage master passwords "
        "(manage_master_user_password = true). GCP: give google_secret_manager_secret a "
        "rotation { rotation_period } and topics. Azure: set expiration_date on Key Vault "
        "secrets and keys, and an automatic rotation_policy on keys."
    ),
    controls=("CIS-Azure-8.1", "CIS-Azure-8.3", "NIST-800-53-IA-5(1)", "NIST-800-53-SC-12"),
    references=(
        "checkov:CKV2_AWS_57",
        "checkov:CKV_AZURE_41",
        "checkov:CKV_AZURE_40",
        "trivy:AVD-AZU-0017",
        "trivy:AVD-AZU-0014",
    ),
    applies=_applies,
    example="""\
resource "aws_secretsmanager_secret" "api_token" {
  name = "api-token"
  # no aws_secretsmanager_secret_rotation: the token never changes
}
""",
    use_instead="""\
resource "aws_secretsmanager_secret" "api_token" {
  name = "api-token"
}

resource "aws_secretsmanager_secret_rotation" "api_token" {
  secret_id           = aws_secretsmanager_secret.api_token.id
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate-api-token"

  rotation_rules {
    automatically_after_days = 30
  }
}
""",
)
def secret_rotation_configured(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    max_days = context.options(TfOptions).max_rotation_days
    check = SECRET_ROTATION.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module, max_days)
