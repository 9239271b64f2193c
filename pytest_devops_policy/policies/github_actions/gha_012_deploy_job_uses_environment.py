"""GHA-012: every deploy job names a GitHub environment (the hook for approvals and branch rules).

A local reusable-workflow caller cannot carry ``environment`` (GitHub rejects it there):
the callee's deploy jobs must. They are judged in their own file, where the fix goes, and
the caller passes; only a callee file outside the run is reported on the caller, naming the
callee job and its file:line. A remote callee is UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.workflow_gates import (
    Gate,
    describe_deploy,
    in_run,
    is_deploy,
    job_class,
    leaves,
    where,
)
from pytest_devops_policy.knowledge.ci.deploys import explain_job

_SETTINGS = (
    "Protection rules (required reviewers, wait timer, deployment branches and tags) live in "
    "the repository settings (Settings > Environments), not in the workflow: configure them there"
)


def _applies(job: Job, context: Context) -> bool:
    return is_deploy(job, context)


def _nothing(job: Job, leaf: bool) -> tuple[list[Gate], list[str]]:
    return [], []


@policy(
    id="GHA-012",
    name="deploy-job-uses-environment",
    title="Deploy jobs use a GitHub environment",
    severity=Severity.HIGH,
    rationale=(
        "An environment is where GitHub enforces deployment gates: required reviewers, a "
        "wait timer, the branches and tags allowed to deploy, and secrets only that "
        "environment's jobs can read. A deploy job without one can ship from any branch, "
        "at any time, with nobody's approval, and leaves no deployment history."
    ),
    remediation=(
        "Name an environment on the deploy job (environment: production, or a mapping with "
        "name and url; an expression such as ${{ inputs.environment }} is fine), then configure "
        "its protection rules (required reviewers, wait timer, deployment branches) in the "
        "repository settings. For a reusable workflow, set it on the called workflow's job."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-AC-5", "CIS-SSCS-1.1"),
    references=(
        "zizmor:secrets-outside-env",
        "https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/"
        "managing-deployments/managing-environments-for-deployment",
    ),
    applies=_applies,
    example=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
    use_instead=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment:\n"
        "      name: production\n"
        "      url: https://app.example.com\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
    detail=explain_job,
)
def deploy_job_uses_environment(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    if job.uses is None:
        if job.environment is not None:
            return  # a string, a mapping or an expression: all name an environment
        jc = job_class(job, context)
        yield Violation(
            f"deploy {job.display} sets no environment ({describe_deploy(jc)}); add "
            "environment: <name> to the job so GitHub can gate it. " + _SETTINGS,
            path=(),
        )
        return
    missing: list[str] = []
    for leaf in leaves(job, context, _nothing):
        target = leaf.job
        if leaf.unresolved is not None:
            yield Unknown(
                f"{job.display} deploys through a reusable workflow, but {leaf.unresolved}: "
                "whether its deploy jobs set an environment is decided there"
            )
            return
        if target is job:  # a deploy job by its name only; its callee has no deploy job
            missing.append(
                f"the called workflow '{job.uses.raw}' has no job that sets an environment"
            )
        elif target.environment is None and not in_run(context, target.source.path):
            missing.append(f"{where(target)} sets no environment")
    if missing:
        jc = job_class(job, context)
        yield Violation(
            f"deploy {job.display} ({describe_deploy(jc)}): " + "; ".join(missing) + ". "
            "A caller job cannot carry environment: set it on the called workflow's deploy "
            "job(s). " + _SETTINGS,
            path=("uses",),
        )
