"""TF-029 branch-protection-as-code: protected default and release branches in GitHub/GitLab."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.branch_protection import CHECKS, judged
from pytest_devops_policy.knowledge.terraform.module import Findings


def _applies(r: TfResource, context: Context) -> bool:
    if r.type not in CHECKS or r.disabled:
        return False
    if r.type == "github_repository":
        return True
    module: TfModule = context.index(r)
    return judged(r, module)


@policy(
    id="TF-029",
    name="branch-protection-as-code",
    title="Default and release branches are protected by the repository settings in code",
    severity=Severity.HIGH,
    rationale=(
        "When repository settings are managed in Terraform, the branch protection is part of "
        "the code too. An unprotected default branch lets anyone with write access push "
        "untested, unreviewed changes straight to what gets deployed, force-push over its "
        "history or delete it. Protections must require reviews, up-to-date passing status "
        "checks, and apply to administrators as well."
    ),
    remediation=(
        "GitHub: give every github_repository a github_branch_protection (or an active "
        "github_repository_ruleset) on its default branch and release branches, with "
        "allows_force_pushes and allows_deletions off, enforce_admins = true, "
        "required_status_checks { strict = true, contexts = [...] } and "
        "required_pull_request_reviews { required_approving_review_count >= 1, "
        "dismiss_stale_reviews = true } (rulesets: non_fast_forward, deletion, "
        "required_status_checks with strict_required_status_checks_policy and required_check, "
        "pull_request with required_approving_review_count >= 1). GitLab: keep "
        "allow_force_push = false and push_access_level at maintainer or no one."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-CM-5", "NIST-800-53-SA-10"),
    references=(
        "checkov:CKV_GIT_5",
        "checkov:CKV_GIT_6",
        "checkov:CKV2_GIT_1",
        "checkov:CKV_GITHUB_5",
        "checkov:CKV_GITHUB_10",
        "checkov:CKV_GITHUB_14",
        "checkov:CKV_GITHUB_20",
        "trivy:AVD-GIT-0004",
    ),
    applies=_applies,
    example="""\
resource "github_repository" "api" {
  name = "api"
}

resource "github_branch_protection" "main" {
  repository_id       = github_repository.api.node_id
  pattern             = "main"
  allows_force_pushes = true
}
""",
    use_instead="""\
resource "github_repository" "api" {
  name = "api"
}

resource "github_branch_protection" "main" {
  repository_id  = github_repository.api.node_id
  pattern        = "main"
  enforce_admins = true

  required_status_checks {
    strict   = true
    contexts = ["ci/test"]
  }

  required_pull_request_reviews {
    required_approving_review_count = 1
    dismiss_stale_reviews           = true
  }
}
""",
)
def branch_protection_as_code(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    yield from CHECKS[tf_resource.type](tf_resource, module)
