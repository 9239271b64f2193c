"""GL-005: deploy jobs set ``resource_group``, so deployments to a target never overlap."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.deploys import why_deploy
from pytest_devops_policy.knowledge.ci.gl_deploys import explain_gl_job, gl_job_class

# Predefined variables unique to each pipeline, job or commit: a group named with one of them
# never holds two deployments, so it serialises nothing (the GHA-018 rule, GitLab names).
_UNIQUE = {
    "CI_PIPELINE_ID": "per-pipeline",
    "CI_PIPELINE_IID": "per-pipeline",
    "CI_JOB_ID": "per-job",
    "CI_CONCURRENT_ID": "per-job",
    "CI_COMMIT_SHA": "per-commit",
    "CI_COMMIT_SHORT_SHA": "per-commit",
}
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


def _applies(gl_job: GitLabJob, context: Context) -> bool:
    return gl_job_class(gl_job, context).is_deploy


def _group_for(job: GitLabJob) -> str:
    env = job.environment
    if env is not None and env.name:
        return "$CI_ENVIRONMENT_NAME" if env.dynamic else env.name
    return job.name


@policy(
    id="GL-005",
    name="deploy-resource-group",
    title="Deploy jobs set a resource_group",
    severity=Severity.MEDIUM,
    rationale=(
        "Two pipelines deploying at once (two quick merges, a retried job) race each "
        "other: the older version can finish last and stay live, or two releases mix. "
        "A resource_group lets only one job of the group run at a time."
    ),
    remediation=(
        "Add 'resource_group: <target>' to the deploy job, one group per deploy target "
        "(e.g. 'resource_group: production' or 'resource_group: $CI_ENVIRONMENT_NAME'); "
        "never a per-pipeline value such as $CI_PIPELINE_ID."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-SI-7"),
    references=("https://docs.gitlab.com/ci/resource_groups/",),
    applies=_applies,
    example=(
        "deploy:\n"
        "  stage: deploy\n"
        "  environment: production\n"
        "  script:\n"
        "    - kubectl apply -f k8s/\n"
    ),
    use_instead=(
        "deploy:\n"
        "  stage: deploy\n"
        "  environment: production\n"
        "  resource_group: production\n"
        "  script:\n"
        "    - kubectl apply -f k8s/\n"
    ),
    detail=explain_gl_job,
)
def deploy_resource_group(gl_job: GitLabJob, context: Context) -> Iterator[Violation]:
    jc = gl_job_class(gl_job, context)
    if not jc.is_deploy:
        return
    group = (gl_job.resource_group or "").strip()
    if not group:
        yield Violation(
            f"deploy job '{gl_job.name}' sets no resource_group ({why_deploy(jc)}), so two "
            "pipelines can deploy at the same time and the older one may finish last. "
            f"Fix: add 'resource_group: {_group_for(gl_job)}' to the job",
            path=(),
        )
        return
    unique = [
        (m.group(1), _UNIQUE[m.group(1)]) for m in _VAR.finditer(group) if m.group(1) in _UNIQUE
    ]
    if unique:
        name, scope = unique[0]
        yield Violation(
            f"deploy job '{gl_job.name}' has resource_group '{group}', which holds ${name} "
            f"({scope}): every pipeline gets its own group, so deployments are not serialised. "
            f"Fix: name the deploy target instead, e.g. 'resource_group: {_group_for(gl_job)}'",
            path=("resource_group",),
        )
