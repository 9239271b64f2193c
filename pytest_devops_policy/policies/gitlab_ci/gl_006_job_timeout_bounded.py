"""GL-006: every job sets a ``timeout`` (its own or ``default:``'s), within a bound for CI
and deploy jobs.

The value is read as GitLab reads it (ChronicDuration: ``10m``, ``1h 30m``, ``90 minutes``,
``3600`` = seconds...; ``knowledge.ci.gl_durations``). Bounds: deploy jobs (the shared
classifier, ``knowledge.ci.gl_deploys.gl_job_class``) at most ``gl.deploy_job_timeout_max``
(30), other jobs at most ``gl.ci_job_timeout_max`` (10).

Decisions where the catalog is silent:

* Trigger jobs (``trigger:``) run no script; GitLab ignores ``timeout`` on them: no item.
* Release jobs (the classifier's release reasons: ``release:``, publish commands) are not CI
  jobs and not deploys: they need a timeout, but no bound applies (as GHA-019).
* A job without ``timeout`` gets the project's timeout, which the file cannot show: FAIL,
  unless ``gl.assume_project_timeout_minutes`` declares it; then that value is judged (the
  finding points at the job key).
* A ``$VARIABLE`` (or ``$[[ inputs ]]``) value: UNKNOWN. Project CI/CD variables override
  those in the file, so a value written under ``variables:`` is not trusted either.
* An unparsable value (GitLab rejects the pipeline) or a zero length: FAIL naming it.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.deploys import why_deploy
from pytest_devops_policy.knowledge.ci.gl_deploys import explain_gl_job, gl_job_class
from pytest_devops_policy.knowledge.ci.gl_durations import Duration, is_variable, parse_duration
from pytest_devops_policy.options.gitlab_ci import GitLabOptions

_KEY: tuple[PathPart, ...] = ("timeout",)


def _applies(gl_job: GitLabJob) -> bool:
    # Trigger jobs start a downstream pipeline; GitLab applies no timeout to them.
    return gl_job.trigger is None


def _limit(gl_job: GitLabJob, context: Context) -> tuple[int | None, str, str]:
    """(the bound in minutes, what kind of job this is and why, the option setting it)."""
    opts = context.options(GitLabOptions)
    jc = gl_job_class(gl_job, context)
    if jc.is_deploy:
        why = f"a deploy job ({why_deploy(jc)})"
        return opts.deploy_job_timeout_max, why, "gl.deploy_job_timeout_max"
    if jc.is_release:
        return None, f"a release job ({jc.release_reasons[0]})", ""
    return opts.ci_job_timeout_max, "a CI job", "gl.ci_job_timeout_max"


def _where(gl_job: GitLabJob) -> str:
    """Where the job's timeout comes from, for messages."""
    own = gl_job.origin(_KEY)
    if own is not None and own == gl_job.pipeline.origins.get(("default", "timeout")):
        return " (from default:)"
    return ""


@policy(
    id="GL-006",
    name="job-timeout-bounded",
    title="Jobs set a bounded timeout",
    severity=Severity.MEDIUM,
    rationale=(
        "A job without 'timeout' runs until the project's timeout (60 minutes by default, "
        "up to a month), a setting the CI file does not show: a hung test or a stuck deploy "
        "holds its runner, its resource_group and the pipeline that long, and slow feedback "
        "goes unnoticed. A short bound per job fails fast."
    ),
    remediation=(
        "Set 'timeout' on every job, or once under 'default:': at most gl.ci_job_timeout_max "
        "(10 minutes) for CI jobs and gl.deploy_job_timeout_max (30 minutes) for deploy jobs, "
        "e.g. 'default: {timeout: 10m}' plus 'timeout: 30m' on deploy jobs. If the project "
        "timeout is set short in the project settings, declare it with "
        "gl.assume_project_timeout_minutes."
    ),
    controls=("NIST-800-53-SC-5", "NIST-800-53-SI-4"),
    references=("https://docs.gitlab.com/ci/yaml/#timeout",),
    applies=_applies,
    example=("test:\n  stage: test\n  script:\n    - pytest -q\n"),
    use_instead=(
        "default:\n"
        "  timeout: 10m\n"
        "test:\n"
        "  stage: test\n"
        "  script:\n"
        "    - pytest -q\n"
        "deploy:\n"
        "  stage: deploy\n"
        "  environment: production\n"
        "  resource_group: production\n"
        "  timeout: 30m\n"
        "  script:\n"
        "    - kubectl apply -f k8s/\n"
    ),
    detail=explain_gl_job,
)
def job_timeout_bounded(gl_job: GitLabJob, context: Context) -> Iterator[Violation | Unknown]:
    raw = gl_job.timeout
    if "timeout" not in gl_job.raw or raw is None:
        assumed = context.options(GitLabOptions).assume_project_timeout_minutes
        if assumed is None:
            bound, what, _ = _limit(gl_job, context)
            fix = (
                f"add 'timeout: {bound}m' (or less; {what}) to the job or to default:"
                if bound is not None
                else f"add 'timeout: <a little above its usual duration>' to the job, {what}"
            )
            yield Violation(
                f"job '{gl_job.name}' sets no timeout (and default: gives none), so the "
                "project's timeout applies: 60 minutes unless changed in the project settings, "
                f"up to a month, and not visible here; {fix}, or declare the project's "
                "timeout with gl.assume_project_timeout_minutes",
                path=(),
            )
            return
        yield from _judge(
            gl_job,
            Duration(assumed * 60.0, f"{assumed}m"),
            f"has no timeout, so the project's {assumed} minutes apply "
            "(gl.assume_project_timeout_minutes)",
            (),
            context,
        )
        return
    if is_variable(raw):
        yield Unknown(
            f"job '{gl_job.name}' sets timeout: {raw}, a variable known only when the "
            "pipeline runs (project CI/CD variables override the file's)"
        )
        return
    duration = parse_duration(raw)
    if duration is None:
        yield Violation(
            f"job '{gl_job.name}' sets timeout: {raw!r}{_where(gl_job)}, which is not a "
            "positive duration GitLab can read (GitLab rejects the pipeline); write e.g. '10m' or "
            "'1h 30m'",
            path=_KEY,
        )
        return
    yield from _judge(
        gl_job, duration, f"sets timeout: {duration.text}{_where(gl_job)}", _KEY, context
    )


def _judge(
    gl_job: GitLabJob,
    duration: Duration,
    said: str,
    path: tuple[PathPart, ...],
    context: Context,
) -> Iterator[Violation]:
    bound, what, option_name = _limit(gl_job, context)
    if bound is None or duration.minutes <= bound:
        return
    length = duration.shown()
    yield Violation(
        f"job '{gl_job.name}' {said} (= {length}), above the {bound} minutes "
        f"{option_name} allows for {what}; a long bound hides hung jobs and slow "
        f"feedback. Set 'timeout: {bound}m' or less, or raise {option_name} if this "
        "project's jobs really need longer",
        path=path,
    )
