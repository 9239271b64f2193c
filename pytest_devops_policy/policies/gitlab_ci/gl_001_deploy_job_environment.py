"""GL-001: deploy jobs name an environment; production ones wait for a person (or a
protected environment)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import PathPart, Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.deploys import why_deploy
from pytest_devops_policy.knowledge.ci.gl_deploys import (
    explain_gl_job,
    gl_classifier_config,
    gl_job_class,
    manual_gate,
    production_environment,
)
from pytest_devops_policy.options.gitlab_ci import GitLabOptions


def _applies(gl_job: GitLabJob, context: Context) -> bool:
    return gl_job_class(gl_job, context).is_deploy


def _gate_path(job: GitLabJob) -> tuple[PathPart, ...]:
    """Where the job's automatic start is written: the rule, the ``when``, or the environment."""
    _, why = manual_gate(job)
    if job.rules:
        for rule in job.rules:
            if why.startswith(f"rules[{rule.index}]"):
                return ("rules", rule.index, "when") if rule.when else ("rules", rule.index)
    return ("when",) if "when" in job.raw else ("environment",)


@policy(
    id="GL-001",
    name="deploy-job-environment",
    title="Deploy jobs use an environment; production deploys need approval",
    severity=Severity.HIGH,
    rationale=(
        "An environment is what GitLab tracks deployments by (history, the running version, "
        "one-click rollback) and where protected environments enforce approvals and who may "
        "deploy. A production deploy that starts by itself ships every merge with nobody "
        "deciding, unless the environment's protection requires an approval."
    ),
    remediation=(
        "Set 'environment:' on every deploy job (a name, or name/url/deployment_tier). For "
        "production, add 'when: manual' (at job level or in the rules that run it), or protect "
        "the environment with required approvals in the project settings and declare it with "
        "gl.protected_environments = true."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-AC-5", "CIS-SSCS-1.1"),
    references=(
        "https://docs.gitlab.com/ci/environments/",
        "https://docs.gitlab.com/ci/environments/protected_environments/",
        "https://docs.gitlab.com/ci/jobs/job_control/#create-a-job-that-must-be-run-manually",
    ),
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
        "  environment:\n"
        "    name: production\n"
        "    url: https://example.com\n"
        "  when: manual\n"
        "  script:\n"
        "    - kubectl apply -f k8s/\n"
    ),
    detail=explain_gl_job,
)
def deploy_job_environment(gl_job: GitLabJob, context: Context) -> Iterator[Violation]:
    jc = gl_job_class(gl_job, context)
    if not jc.is_deploy:
        return
    env = gl_job.environment
    if env is None or not env.name.strip():
        yield Violation(
            f"deploy job '{gl_job.name}' sets no environment ({why_deploy(jc)}): GitLab keeps "
            "no deployment history for it and no protected-environment approval can apply. "
            "Fix: add 'environment: <name>' (e.g. staging or production) to the job",
            path=("environment",) if "environment" in gl_job.raw else (),
        )
        return
    prod = production_environment(gl_job, gl_classifier_config(context))
    if prod is None or context.options(GitLabOptions).protected_environments:
        return
    manual, why = manual_gate(gl_job)
    if manual:
        return
    yield Violation(
        f"production deploy job '{gl_job.name}' starts by itself ({why}; {prod}): every "
        "pipeline that reaches it ships to production with no approval. Fix: add 'when: "
        "manual' (at job level, or on the rules that run it), or protect the environment "
        "with required approvals and set gl.protected_environments = true",
        path=_gate_path(gl_job),
    )
