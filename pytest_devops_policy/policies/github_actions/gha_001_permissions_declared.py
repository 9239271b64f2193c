"""GHA-001: every job's GITHUB_TOKEN permissions are declared, at workflow or job level."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job, Permissions
from pytest_devops_policy.options import GhaOptions


def _job_part(perms: Permissions) -> str:
    if perms.kind == "null":
        return "has a 'permissions:' key with no value"
    return "declares no permissions"


def _workflow_part(perms: Permissions) -> str:
    if perms.kind == "null":
        return "the workflow's top-level 'permissions:' has no value"
    return "the workflow has no top-level permissions"


@policy(
    id="GHA-001",
    name="permissions-declared",
    title="GITHUB_TOKEN permissions are declared",
    severity=Severity.HIGH,
    rationale=(
        "A job without a 'permissions' key (and no workflow-level one) gets the "
        "repository or organisation default token, which cannot be seen from the "
        "file and is read/write on older repositories. Any compromised step, "
        "dependency or injected script then holds that write access."
    ),
    remediation=(
        "Declare 'permissions' at the top of the workflow (for example 'permissions: {}' "
        "or 'contents: read') and grant extra scopes only on the jobs that need them."
    ),
    controls=("NIST-800-53-AC-6", "OpenSSF-Scorecard-Token-Permissions"),
    references=(
        "checkov:CKV2_GHA_1",
        "zizmor:excessive-permissions",
        "scorecard:Token-Permissions",
        "actionlint:permissions",
    ),
    example=(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
    ),
    use_instead=(
        "on: push\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: make\n"
    ),
)
def permissions_declared(job: Job, context: Context) -> Iterator[Violation]:
    workflow = job.workflow
    if job.permissions.declared or workflow.permissions.declared:
        return
    what = f"{_job_part(job.permissions)} and {_workflow_part(workflow.permissions)}"
    where = ("permissions",) if job.permissions.kind == "null" else ()
    if workflow.is_reusable:
        must_declare = context.options(GhaOptions).callee_must_declare
        if workflow.only_reusable and not must_declare:
            return  # the caller's token (and its permissions) applies; allowed by config
        if workflow.only_reusable:
            yield Violation(
                f"{job.display} of a reusable workflow (on: workflow_call) {what}: it "
                "runs with whatever token its caller grants; declare the least it needs "
                "(gha.callee_must_declare=true)",
                path=where,
            )
            return
    if job.uses is not None:
        yield Violation(
            f"{job.display} calls '{job.uses.raw}', {what}: the called workflow gets "
            "the repository/organisation default token",
            path=where,
        )
        return
    yield Violation(
        f"{job.display} {what}: its GITHUB_TOKEN gets the repository/organisation "
        "default, often read/write",
        path=where,
    )
