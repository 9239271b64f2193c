"""GHA-002: write access is granted per job, narrowly, and only where a step uses it.

A per-workflow policy: a top-level grant is one defect of the file, however many jobs
inherit it, so the workflow item reports it once, at the workflow's ``permissions`` key;
a job's ``write-all`` or unused write scope is reported at that job's key.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job, Permissions, Step, Workflow
from pytest_devops_policy.knowledge.ci.permissions import JUSTIFIERS, justification

_MAX_CALL_DEPTH = 4


def _writes(perms: Permissions) -> list[str]:
    """The scopes a ``permissions`` mapping sets to ``write``, in file order."""
    return [s for s, v in perms.scopes.items() if str(v).strip().lower() == "write"]


def _callee_steps(job: Job, context: Context, depth: int = 0) -> list[Step] | None:
    """Every step a local reusable-workflow caller runs (None: the callee cannot be seen)."""
    if job.uses is None:
        return job.steps
    if depth >= _MAX_CALL_DEPTH:
        return None
    callee = context.index(job).resolve(job.uses)
    if callee is None:
        return None
    steps: list[Step] = []
    for inner in callee.jobs.values():
        found = _callee_steps(inner, context, depth + 1)
        if found is None:
            return None
        steps += found
    return steps


def _job_findings(job: Job, context: Context) -> Iterator[Violation]:
    perms = job.permissions
    base = ("jobs", job.id, "permissions")
    if perms.kind == "write-all":
        yield Violation(
            f"{job.display} sets 'permissions: write-all': every scope of its token can "
            "write (code, releases, packages, workflows, issues...); grant only the scopes "
            "its steps need",
            path=base,
        )
        return
    writes = [s for s in _writes(perms) if s in JUSTIFIERS]
    if not writes:
        return
    steps = _callee_steps(job, context)
    if steps is None:
        return  # a remote or unreadable callee: what it needs cannot be judged here
    where = f"the steps of {job.uses.raw}" if job.uses is not None else "its steps"
    for scope in writes:
        if justification(scope, steps) is not None:
            continue
        yield Violation(
            f"{job.display} holds '{scope}: write' but none of {where} uses it (looked "
            f"for {JUSTIFIERS[scope].looked_for}): remove it (or lower it to read)",
            path=(*base, scope),
            severity=Severity.MEDIUM,
        )


@policy(
    id="GHA-002",
    name="no-broad-write-permissions",
    title="Write permissions are granted per job, only where used",
    severity=Severity.HIGH,
    rationale=(
        "Every step, action and dependency of a job can use its GITHUB_TOKEN. A "
        "workflow-level write grant (or write-all) hands write access to every job, "
        "including the ones that only build or test untrusted code; a compromised "
        "action or injected script can then push code, publish packages or rewrite "
        "releases. Write scopes belong on the one job that needs them (high); a job "
        "write scope that none of its steps uses is reported at medium."
    ),
    remediation=(
        "Set 'permissions: {}' or 'contents: read' at the top of the workflow and grant "
        "each write scope on the job whose steps need it (contents: write on the "
        "release job, packages: write on the image-push job, id-token: write where an "
        "OIDC login happens). Drop write scopes no step uses."
    ),
    controls=("CWE-250", "NIST-800-53-AC-6", "OpenSSF-Scorecard-Token-Permissions"),
    references=(
        "checkov:CKV2_GHA_1",
        "zizmor:excessive-permissions",
        "scorecard:Token-Permissions",
    ),
    example=(
        "on: push\n"
        "permissions: write-all\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: make test\n"
        "  release:\n"
        "    needs: test\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        '      - run: gh release create "$GITHUB_REF_NAME"\n'
        "        env:\n"
        "          GH_TOKEN: ${{ github.token }}\n"
    ),
    use_instead=(
        "on: push\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: make test\n"
        "  release:\n"
        "    needs: test\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions:\n"
        "      contents: write\n"
        "    steps:\n"
        '      - run: gh release create "$GITHUB_REF_NAME"\n'
        "        env:\n"
        "          GH_TOKEN: ${{ github.token }}\n"
    ),
)
def no_broad_write_permissions(workflow: Workflow, context: Context) -> Iterator[Violation]:
    top = workflow.permissions
    if top.kind == "write-all":
        yield Violation(
            "the workflow sets 'permissions: write-all': every job's token can write to "
            "every scope; set 'permissions: {}' (or 'contents: read') here and grant "
            "writes on the jobs that need them",
            path=("permissions",),
        )
    for scope in _writes(top):
        yield Violation(
            f"the workflow grants '{scope}: write' to every job: move it to the job "
            "that needs it and keep the top level read-only",
            path=("permissions", scope),
        )
    for job in workflow.jobs.values():
        yield from _job_findings(job, context)
