"""GL-013: a production deploy runs after a staging deploy (a later stage, or ``needs``)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.gl_deploys import (
    explain_gl_job,
    gl_classifier_config,
    production_environment,
    staging_environment,
    upstream,
)


def _applies(gl_job: GitLabJob, context: Context) -> bool:
    return production_environment(gl_job, gl_classifier_config(context)) is not None


def _order(job: GitLabJob) -> str:
    if job.needs_nothing:
        return "it sets 'needs: []', so it starts at once"
    if job.needs is not None:
        named = ", ".join(n.job for n in job.needs) or "nothing"
        return f"it needs {named}"
    return f"it runs in stage '{job.stage}' after the jobs of earlier stages"


@policy(
    id="GL-013",
    name="staging-before-production",
    title="Production deploys run after a staging deploy",
    severity=Severity.MEDIUM,
    rationale=(
        "Deploying to a staging environment first exercises the release, its migrations "
        "and its configuration on something other than production; a pipeline that "
        "deploys to production without it finds those failures in front of users."
    ),
    remediation=(
        "Add a staging deploy job and make the production job wait for it: put it in an "
        "earlier stage (stages: [test, staging, production]), or list it in the production "
        "job's 'needs:'."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-CM-4"),
    references=("https://docs.gitlab.com/ci/environments/deployment_approvals/",),
    applies=_applies,
    example=(
        "stages: [test, deploy]\n"
        "deploy-production:\n"
        "  stage: deploy\n"
        "  environment: production\n"
        "  when: manual\n"
        "  script:\n"
        "    - kubectl apply -f k8s/\n"
    ),
    use_instead=(
        "stages: [test, staging, production]\n"
        "deploy-staging:\n"
        "  stage: staging\n"
        "  environment: staging\n"
        "  script:\n"
        "    - kubectl apply -f k8s/ --context staging\n"
        "deploy-production:\n"
        "  stage: production\n"
        "  environment: production\n"
        "  when: manual\n"
        "  script:\n"
        "    - kubectl apply -f k8s/ --context production\n"
    ),
    detail=explain_gl_job,
)
def staging_before_production(gl_job: GitLabJob, context: Context) -> Iterator[Violation]:
    cfg = gl_classifier_config(context)
    prod = production_environment(gl_job, cfg)
    if prod is None:
        return
    before = upstream(gl_job)
    if any(staging_environment(j, cfg) for j in before):
        return
    waited = {j.name for j in before}
    misses = [
        f"'{j.name}' ({why}, stage '{j.stage}')"
        for j in gl_job.pipeline.jobs.values()
        if j.name not in waited and (why := staging_environment(j, cfg))
    ]
    message = (
        f"production deploy job '{gl_job.name}' ({prod}) does not run after a staging "
        f"deploy: {_order(gl_job)}, and none of the jobs it waits for deploys to an "
        "environment matching the staging pattern (stag, preprod, uat, qa) or with "
        "deployment_tier: staging"
    )
    if misses:
        message += (
            ". Staging jobs it does not wait for: " + ", ".join(misses) + " (same or later "
            "stage, or left out of its needs)"
        )
    message += ". Fix: deploy to staging in an earlier stage, or add the staging job to 'needs:'"
    where: tuple[str, ...] = ("environment",)
    if gl_job.needs is not None:
        where = ("needs",)
    elif isinstance(gl_job.raw.get("environment"), dict):
        where = ("environment", "name")
    yield Violation(message, path=where)
