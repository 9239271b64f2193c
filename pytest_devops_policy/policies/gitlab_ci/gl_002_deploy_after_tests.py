"""GL-002: deploy jobs run after test jobs that can stop them (stage order or ``needs``)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.deploys import why_deploy
from pytest_devops_policy.knowledge.ci.gl_deploys import (
    explain_gl_job,
    gl_job_class,
    may_fail,
    runs_when,
    upstream,
)


def _rollback_job(job: GitLabJob, context: Context) -> bool:
    """A ``when: on_failure`` job that rolls back: GL-004's concern, not a deploy to gate."""
    whens = {w for w, _ in runs_when(job)}
    return whens == {"on_failure"} and bool(gl_job_class(job, context).rollback_steps)


def _applies(gl_job: GitLabJob, context: Context) -> bool:
    return gl_job_class(gl_job, context).is_deploy and not _rollback_job(gl_job, context)


def _order(job: GitLabJob) -> str:
    if job.needs_nothing:
        return "it sets 'needs: []', so it starts at once"
    if job.needs is not None:
        return "its needs: lists " + (", ".join(n.job for n in job.needs) or "nothing")
    return f"it waits for the jobs of the stages before '{job.stage}'"


@policy(
    id="GL-002",
    name="deploy-after-tests",
    title="Deploy jobs run after passing tests",
    severity=Severity.HIGH,
    rationale=(
        "A deploy that does not wait for the tests, or that runs even when they fail, ships "
        "code nobody has shown to work; the test suite then only reports the breakage after "
        "users see it."
    ),
    remediation=(
        "Run the tests in an earlier stage than the deploy (or list the test job in the "
        "deploy job's needs:), keep the test jobs failing the pipeline (no allow_failure: "
        "true), and do not give the deploy job when: always or when: on_failure."
    ),
    controls=("NIST-800-53-SA-11", "NIST-800-53-CM-3", "SLSA-Build-L2", "CIS-SSCS-1.3"),
    references=(
        "https://docs.gitlab.com/ci/yaml/#needs",
        "https://docs.gitlab.com/ci/yaml/#allow_failure",
    ),
    applies=_applies,
    example=(
        "stages: [test, deploy]\n"
        "test:\n"
        "  stage: test\n"
        "  script:\n"
        "    - pytest\n"
        "deploy:\n"
        "  stage: deploy\n"
        "  environment: production\n"
        "  needs: []\n"
        "  script:\n"
        "    - kubectl apply -f k8s/\n"
    ),
    use_instead=(
        "stages: [test, deploy]\n"
        "test:\n"
        "  stage: test\n"
        "  script:\n"
        "    - pytest\n"
        "deploy:\n"
        "  stage: deploy\n"
        "  environment: production\n"
        "  needs: [test]\n"
        "  script:\n"
        "    - kubectl apply -f k8s/\n"
    ),
    detail=explain_gl_job,
)
def deploy_after_tests(gl_job: GitLabJob, context: Context) -> Iterator[Violation]:
    jc = gl_job_class(gl_job, context)
    if not jc.is_deploy or _rollback_job(gl_job, context):
        return
    why = why_deploy(jc)
    for when, path in runs_when(gl_job):
        if when in ("always", "on_failure"):
            yield Violation(
                f"deploy job '{gl_job.name}' ({why}) runs with when: {when}, so it deploys "
                "even when the tests before it failed. Fix: remove it (when: on_success is "
                "the default) or use when: manual",
                path=path,
            )
            return
    before = upstream(gl_job)
    tests = [j for j in before if gl_job_class(j, context).is_test]
    if not tests:
        waited = {j.name for j in before}
        others = [
            j.name
            for j in gl_job.pipeline.jobs.values()
            if j.name not in waited and j is not gl_job and gl_job_class(j, context).is_test
        ]
        message = (
            f"deploy job '{gl_job.name}' ({why}) does not run after any test job: "
            f"{_order(gl_job)}, and none of the jobs it waits for runs tests (pytest, go "
            "test, npm test, ...)"
        )
        if others:
            message += f". Test jobs it does not wait for: {', '.join(others)}"
        message += ". Fix: run the tests in an earlier stage, or add the test job to 'needs:'"
        yield Violation(message, path=("needs",) if gl_job.needs is not None else ())
        return
    tolerated = [(j, may_fail(j)) for j in tests]
    if all(reason for _, reason in tolerated):
        shown = "; ".join(f"'{j.name}': {reason}" for j, reason in tolerated)
        yield Violation(
            f"deploy job '{gl_job.name}' ({why}) runs after test jobs whose failure does "
            f"not stop the pipeline ({shown}), so it deploys when the tests fail. Fix: "
            "remove allow_failure: true from the test job (or set allow_failure: false on "
            "a manual one)",
            path=("needs",) if gl_job.needs is not None else (),
        )
