"""TF-009 iam-least-privilege: IAM grants are scoped to what a principal needs."""

from __future__ import annotations

import re
from functools import partial

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule, file_text
from pytest_devops_policy.knowledge.terraform import iam
from pytest_devops_policy.knowledge.terraform.module import Findings

# AWS resources holding a policy document: (attribute, what kind of document it is).
_DOCUMENTS: dict[str, tuple[str, str]] = {
    "aws_iam_policy": ("policy", "identity"),
    "aws_iam_role_policy": ("policy", "identity"),
    "aws_iam_user_policy": ("policy", "identity"),
    "aws_iam_group_policy": ("policy", "identity"),
    "aws_s3_bucket_policy": ("policy", "resource"),
    "aws_s3_bucket": ("policy", "resource"),  # aws provider v3 inline bucket policy
    "aws_kms_key": ("policy", "kms"),
    # IAM Identity Center: the permission set's inline policy is an identity policy of
    # every user and group the permission set is assigned to.
    "aws_ssoadmin_permission_set_inline_policy": ("inline_policy", "identity"),
}
_ATTACHMENTS = frozenset(
    {
        "aws_iam_policy_attachment",
        "aws_iam_role_policy_attachment",
        "aws_iam_user_policy_attachment",
        "aws_iam_group_policy_attachment",
    }
)
_GCP_HIERARCHY = re.compile(r"^google_(project|folder|organization)_iam_(member|binding|policy)$")
_GCP_IAM = re.compile(r"^google_\w+_iam_(member|binding|policy)$")


def _applies(r: TfResource) -> bool:
    if r.disabled:
        return False
    if r.type in ("aws_s3_bucket", "aws_kms_key"):
        return r.has("policy")
    return (
        r.type in _DOCUMENTS
        or r.type in _ATTACHMENTS
        or r.type == "aws_iam_role"
        or r.type in ("azurerm_role_definition", "azurerm_role_assignment")
        or bool(_GCP_IAM.match(r.type))
    )


@policy(
    id="TF-009",
    name="iam-least-privilege",
    title="IAM grants follow least privilege",
    severity=Severity.CRITICAL,
    rationale=(
        "A wildcard grant turns any leaked credential, compromised workload or confused CI job "
        "into an account takeover. Allow * on *, a service wildcard on every resource, "
        "iam:PassRole on any role, a trust policy anyone can assume, a GitHub OIDC trust any "
        "repository can use, basic Owner/Editor roles and subscription-wide Owner assignments "
        "all grant far more than a workload needs, and most privilege-escalation paths start "
        "from one of them."
    ),
    remediation=(
        "List the actions a principal needs on the resources it needs (ARNs, not *); add a "
        "Condition to iam:PassRole (iam:PassedToService) and sts:AssumeRole; never Allow with "
        "NotAction; restrict trust policies to named principals, and GitHub OIDC trusts with "
        'StringEquals/StringLike on token.actions.githubusercontent.com:sub = "repo:<org>/'
        '<repo>:ref:refs/heads/main" (or an environment); attach scoped policies instead of '
        "AdministratorAccess/IAMFullAccess/PowerUserAccess; grant predefined GCP roles instead "
        "of roles/owner and roles/editor, and serviceAccountUser on one service account; never "
        "bind allUsers/allAuthenticatedUsers; give Azure custom roles explicit actions and "
        "assign Owner/User Access Administrator on resource groups, not subscriptions."
    ),
    controls=(
        "CIS-AWS-1.16",
        "CIS-GCP-1.5",
        "CIS-GCP-1.6",
        "CIS-Azure-1.23",
        "NIST-800-53-AC-6",
        "NIST-800-53-AC-3",
    ),
    references=(
        "checkov:CKV_AWS_1",
        "checkov:CKV_AWS_49",
        "checkov:CKV_AWS_62",
        "checkov:CKV_AWS_63",
        "checkov:CKV_AWS_355",
        "checkov:CKV_AWS_356",
        "checkov:CKV_AWS_274",
        "checkov:CKV_AWS_275",
        "checkov:CKV2_AWS_40",
        "checkov:CKV2_AWS_56",
        "checkov:CKV_AWS_286",
        "checkov:CKV_AWS_287",
        "checkov:CKV_AWS_288",
        "checkov:CKV_AWS_289",
        "checkov:CKV_AWS_290",
        "checkov:CKV_AWS_358",
        "checkov:CKV_AWS_393",
        "checkov:CKV_AWS_33",
        "checkov:CKV_GCP_117",
        "checkov:CKV_GCP_41",
        "checkov:CKV_GCP_42",
        "checkov:CKV_GCP_49",
        "checkov:CKV_AZURE_39",
        "trivy:AVD-AWS-0057",
        "trivy:AVD-AWS-0345",
        "trivy:AVD-AWS-0342",
        "trivy:AVD-GCP-0007",
        "trivy:AVD-GCP-0003",
        "trivy:AVD-GCP-0011",
        "trivy:AVD-AZU-0030",
    ),
    applies=_applies,
    example="""\
resource "aws_iam_policy" "deployer" {
  name = "deployer"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
""",
    use_instead="""\
resource "aws_iam_policy" "deployer" {
  name = "deployer"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ecs:UpdateService", "ecs:DescribeServices"]
      Resource = aws_ecs_service.web.id
    }]
  })
}
""",
)
def iam_least_privilege(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    read_file = partial(file_text, directory=module.directory, rootdir=context.cache.rootdir)
    res = tf_resource
    document = _DOCUMENTS.get(res.type)
    if document is not None:
        attr, kind = document
        if res.has(attr):
            yield from iam.aws_document_findings(
                res.get(attr), kind, (attr,), module, read_file, attr
            )
    elif res.type == "aws_iam_role":
        if res.has("assume_role_policy"):
            raw = res.get("assume_role_policy")
            yield from iam.aws_document_findings(
                raw,
                "trust",
                ("assume_role_policy",),
                module,
                read_file,
                "assume_role_policy",
            )
        for block in module.blocks(res, "inline_policy"):
            if block.has("policy"):
                yield from iam.aws_document_findings(
                    block.get("policy"),
                    "identity",
                    (*block.path, "policy"),
                    module,
                    read_file,
                    "inline_policy.policy",
                )
        yield from iam.managed_policy_findings(res, "managed_policy_arns", module)
    elif res.type in _ATTACHMENTS:
        yield from iam.managed_policy_findings(res, "policy_arn", module)
    elif res.type == "azurerm_role_definition":
        yield from iam.azure_role_definition_findings(res, module)
    elif res.type == "azurerm_role_assignment":
        yield from iam.azure_role_assignment_findings(res, module)
    elif _GCP_IAM.match(res.type):
        if _GCP_HIERARCHY.match(res.type):
            yield from iam.gcp_binding_findings(res, module)
        yield from iam.gcp_public_grants(res, module)
