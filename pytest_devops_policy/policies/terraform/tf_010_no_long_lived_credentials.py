"""TF-010 no-long-lived-credentials: no static keys or non-expiring secrets in Terraform."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.credentials import (
    AZUREAD_SECRET_TYPES,
    format_duration,
    parse_duration,
    secret_lifetime,
)
from pytest_devops_policy.knowledge.terraform.module import Findings, shown, unknown
from pytest_devops_policy.knowledge.terraform.values import is_false, is_true
from pytest_devops_policy.options import TfOptions

_USER_POLICIES = frozenset({"aws_iam_user_policy", "aws_iam_user_policy_attachment"})
_TYPES = frozenset(
    {
        "aws_iam_access_key",
        "aws_iam_user_login_profile",
        "aws_iam_policy_attachment",
        "google_service_account_key",
        "azurerm_storage_account",
        "azurerm_container_registry",
        *_USER_POLICIES,
        *AZUREAD_SECRET_TYPES,
    }
)


def _applies(r: TfResource) -> bool:
    if r.disabled or r.type not in _TYPES:
        return False
    if r.type == "aws_iam_policy_attachment":
        return r.has("users")  # attached to users (not only roles or groups)
    return True


@policy(
    id="TF-010",
    name="no-long-lived-credentials",
    title="No long-lived static credentials",
    severity=Severity.MEDIUM,
    rationale=(
        "Access keys, service account keys, shared keys and client secrets that never expire "
        "are the credentials that leak from laptops, CI logs and Terraform state, and keep "
        "working long after. Roles, OIDC federation, workload identity and managed "
        "identities give workloads short-lived credentials instead; what must stay a "
        "secret should expire and rotate."
    ),
    remediation=(
        "Use IAM roles (and GitHub OIDC) instead of aws_iam_access_key and IAM users with "
        "policies; use workload identity federation instead of google_service_account_key; "
        "give azuread passwords an end_date within tf.max_secret_lifetime (or use federated "
        "identity credentials); set shared_access_key_enabled = false on storage accounts and "
        "keep admin_enabled = false on container registries (use Entra ID tokens)."
    ),
    controls=(
        "CIS-AWS-1.11",
        "CIS-AWS-1.14",
        "CIS-AWS-1.15",
        "CIS-GCP-1.4",
        "CIS-Azure-3.3",
        "NIST-800-53-IA-5",
        "NIST-800-53-AC-2",
    ),
    references=(
        "checkov:CKV_AWS_273",
        "checkov:CKV2_AWS_22",
        "checkov:CKV_AWS_40",
        "checkov:CKV2_GCP_3",
        "checkov:CKV2_AZURE_40",
        "checkov:CKV_AZURE_137",
        "trivy:AVD-AWS-0146",
        "trivy:AVD-AWS-0167",
        "trivy:AVD-AWS-0143",
    ),
    applies=_applies,
    example="""\
resource "azuread_application_password" "ci" {
  application_id = azuread_application.ci.id
  # no end_date: valid for two years
}
""",
    use_instead="""\
resource "time_rotating" "ci" {
  rotation_days = 60
}

resource "azuread_application_password" "ci" {
  application_id = azuread_application.ci.id
  end_date       = time_rotating.ci.rotation_rfc3339
}
""",
)
def no_long_lived_credentials(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    res = tf_resource
    if res.type == "aws_iam_access_key":
        yield Violation(
            "aws_iam_access_key creates a static access key that never expires (and its secret "
            "is stored in state); use an IAM role, or OIDC federation from CI"
        )
    elif res.type == "aws_iam_user_login_profile":
        yield Violation(
            "aws_iam_user_login_profile gives an IAM user a console password; use IAM "
            "Identity Center (SSO) users instead",
            severity=Severity.LOW,
        )
    elif res.type in _USER_POLICIES or res.type == "aws_iam_policy_attachment":
        attr = "users" if res.type == "aws_iam_policy_attachment" else "user"
        yield Violation(
            f"a policy attached directly to an IAM user ({attr}): users carry long-lived "
            "credentials; grant permissions to roles (or groups) instead",
            path=(attr,),
            severity=Severity.LOW,
        )
    elif res.type == "google_service_account_key":
        yield Violation(
            "google_service_account_key creates a user-managed key that does not expire by "
            "default; use workload identity federation or attached service accounts"
        )
    elif res.type in AZUREAD_SECRET_TYPES:
        yield from _azuread_password(res, module, context.options(TfOptions).max_secret_lifetime)
    elif res.type == "azurerm_storage_account":
        raw = res.get("shared_access_key_enabled")
        verdict = module.decide(raw, is_false, res)
        if verdict is False:
            what = f"= {shown(raw, module)}" if raw is not None else "is not set (defaults to true)"
            yield Violation(
                f"shared_access_key_enabled {what}: account keys and SAS tokens signed with "
                "them never expire; set it to false and use Entra ID authorisation",
                path=("shared_access_key_enabled",),
                severity=Severity.LOW,
            )
        elif verdict is None:
            yield unknown("shared_access_key_enabled", raw, module)
    elif res.type == "azurerm_container_registry":
        raw = res.get("admin_enabled")
        verdict = module.decide(raw, is_true, res)
        if verdict is True:
            yield Violation(
                f"admin_enabled = {shown(raw, module)}: the registry admin user has a static "
                "password; use Entra ID tokens or scoped tokens",
                path=("admin_enabled",),
            )
        elif verdict is None:
            yield unknown("admin_enabled", raw, module)


def _azuread_password(res: TfResource, module: TfModule, limit_text: str) -> Findings:
    limit = parse_duration(limit_text)
    if limit is None:  # validated by the option
        return
    lifetime, why = secret_lifetime(res, module)
    if lifetime is None:
        yield Unknown(f"the password's lifetime cannot be known statically: {why}")
        return
    if not res.has("end_date") and not res.has("end_date_relative"):
        yield Violation(
            "no end_date: the password is valid for two years by default, longer than "
            f"tf.max_secret_lifetime ({limit_text}); set an end_date (for example from a "
            "time_rotating resource)"
        )
    elif lifetime > limit:
        attr = "end_date_relative" if res.has("end_date_relative") else "end_date"
        yield Violation(
            f"the password is valid for {format_duration(lifetime)}, longer than "
            f"tf.max_secret_lifetime ({limit_text})",
            path=(attr,),
        )
