"""GHA-019: every job that runs on a runner sets timeout-minutes, within a bound for CI and
deploy jobs."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.expressions import has_expression
from pytest_devops_policy.formats.github_actions.workflow import Job, Workflow
from pytest_devops_policy.indexes.workflow_gates import in_run
from pytest_devops_policy.knowledge.ci.deploys import (
    callee_of,
    ci_trigger,
    job_class,
    release_workflow,
    why_deploy,
)
from pytest_devops_policy.knowledge.ci.github import expression_values
from pytest_devops_policy.options import GhaOptions

GITHUB_DEFAULT = 360


@dataclass(frozen=True)
class _Judged:
    """One job whose timeout is judged: itself, or a job of the workflow it calls."""

    job: Job
    label: str  # how messages name it
    path: tuple[PathPart, ...]  # where a finding points, relative to the judged item's job


def _minutes(value: object) -> float | None:
    """The number GitHub reads, or ``None`` when the value is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _shown(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _limit(judged: _Judged, triggers_of: Workflow, context: Context) -> tuple[int | None, str, str]:
    """(the bound, what kind of job this is and why, the option that sets the bound)."""
    opts = context.options(GhaOptions)
    jc = job_class(judged.job, context)
    if jc.is_deploy:
        why = f"a deploy job ({why_deploy(jc)})"
        return opts.deploy_job_timeout_max, why, "gha.deploy_job_timeout_max"
    if jc.is_release:
        return None, f"a release job ({jc.release_reasons[0]})", ""
    if release_workflow(triggers_of):
        return None, "a job of a release workflow", ""
    event = ci_trigger(triggers_of)
    if event is None:
        shown = ", ".join(triggers_of.on.names) or "no trigger"
        return None, f"a job of a workflow run by {shown}", ""
    why = f"a CI job (the workflow runs on {event})"
    return opts.ci_job_timeout_max, why, "gha.ci_job_timeout_max"


def _judge(
    judged: _Judged, triggers_of: Workflow, context: Context
) -> Iterator[Violation | Unknown]:
    job = judged.job
    raw = job.timeout_minutes
    # A callee's job is pointed at through the caller's `uses`.
    at_key = judged.path or (("timeout-minutes",) if "timeout-minutes" in job.raw else ())
    if raw is None:
        step_notes = [s.label for s in job.steps if s.timeout_minutes is not None]
        note = (
            f"; the step timeout-minutes of {', '.join(step_notes)} bounds only that step"
            if step_notes
            else ""
        )
        bound, what, option_name = _limit(judged, triggers_of, context)
        fix = (
            f"add 'timeout-minutes: {bound}' (or less) to the job: {bound} is the most "
            f"allowed for {what} ({option_name})"
            if bound is not None
            else f"add 'timeout-minutes: <a little above its usual duration>' to the job, {what}"
        )
        yield Violation(
            f"{judged.label} sets no timeout-minutes, so GitHub's default of {GITHUB_DEFAULT} "
            f"minutes applies: a hung job holds its runner (and any deploy lock) for six "
            f"hours{note}; {fix}",
            path=judged.path,
        )
        return
    if isinstance(raw, str) and has_expression(raw):
        yield from _judge_expression(judged, raw, triggers_of, context, at_key)
        return
    minutes = _minutes(raw)
    if minutes is None:
        if isinstance(raw, str) and raw.strip().replace(".", "", 1).isdigit():
            yield Violation(
                f"{judged.label} sets timeout-minutes to the quoted string '{raw}'; GitHub's "
                "schema wants a number: write it unquoted",
                path=at_key,
            )
        else:
            yield Violation(
                f"{judged.label} sets timeout-minutes to {raw!r}, which is not a number of minutes",
                path=at_key,
            )
        return
    if not math.isfinite(minutes) or minutes <= 0:
        yield Violation(
            f"{judged.label} sets timeout-minutes to {raw!r}; it must be a positive number",
            path=at_key,
        )
        return
    bound, what, option_name = _limit(judged, triggers_of, context)
    if bound is not None and minutes > bound:
        yield Violation(
            f"{judged.label} sets timeout-minutes: {_shown(minutes)}, above the {bound} minutes "
            f"allowed for {what} ({option_name}); a long bound hides hung jobs and slow "
            f"feedback. Set timeout-minutes: {bound} or less, or raise {option_name} if this "
            "repository's jobs really need longer",
            path=at_key,
        )


def _judge_expression(
    judged: _Judged, raw: str, triggers_of: Workflow, context: Context, at_key: tuple[PathPart, ...]
) -> Iterator[Violation | Unknown]:
    """A ``${{ }}`` timeout: judged by the numbers it can give (``matrix.pgo && 60 || 30``
    gives 60 or 30; a matrix value gives each of the matrix's), else UNKNOWN."""
    values = expression_values(raw, judged.job)
    minutes = [_minutes(v) for v in values] if values is not None else None
    if minutes is None or any(m is None or not math.isfinite(m) or m <= 0 for m in minutes):
        yield Unknown(
            f"{judged.label} sets timeout-minutes from an expression ({raw.strip()}) whose "
            "value is only known at run time"
        )
        return
    bound, what, option_name = _limit(judged, triggers_of, context)
    over = sorted({m for m in minutes if m is not None and bound is not None and m > bound})
    if over:
        shown = ", ".join(_shown(m) for m in over)
        yield Violation(
            f"{judged.label} sets timeout-minutes: {raw.strip()}, which can be {shown}: above "
            f"the {bound} minutes allowed for {what} ({option_name}); a long bound hides "
            f"hung jobs and slow feedback. Lower it, or raise {option_name} if this "
            "repository's jobs really need longer",
            path=at_key,
        )


def _is_expression(job: Job) -> bool:
    raw = job.timeout_minutes
    return isinstance(raw, str) and has_expression(raw)


def _applies(job: Job) -> bool:
    # Jobs that run on a runner, and reusable-workflow callers (judged by the callee's jobs).
    return job.runs_on is not None or job.uses is not None


@policy(
    id="GHA-019",
    name="job-timeouts-bounded",
    title="Jobs set a bounded timeout-minutes",
    severity=Severity.MEDIUM,
    rationale=(
        "Without timeout-minutes a job may run for GitHub's default of 360 minutes: a hung "
        "test or a stuck deploy holds a runner, blocks the concurrency group behind it and "
        "delays the signal that something is wrong. CI jobs should fail fast; deploy jobs "
        "should give up well before anyone assumes they finished."
    ),
    remediation=(
        "Set timeout-minutes on every job: at most gha.ci_job_timeout_max (10) for CI jobs "
        "and gha.deploy_job_timeout_max (30) for deploy jobs. For a job that calls a local "
        "reusable workflow, set it on the called workflow's jobs. A step timeout-minutes "
        "does not bound the job."
    ),
    controls=("NIST-800-53-SC-5", "OpenSSF-Scorecard-CI-Tests"),
    references=(
        "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idtimeout-minutes",
    ),
    applies=_applies,
    example=(
        "on: pull_request\n"
        "permissions: {}\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: make test\n"
        "        timeout-minutes: 5\n"
    ),
    use_instead=(
        "on: pull_request\n"
        "permissions: {}\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    timeout-minutes: 10\n"
        "    steps:\n"
        "      - run: make test\n"
    ),
)
def job_timeouts_bounded(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    if job.uses is None:
        yield from _judge(_Judged(job, job.display, ()), job.workflow, context)
        return
    if job.uses.is_remote:
        yield Unknown(
            f"{job.display} calls the remote reusable workflow '{job.uses.raw}'; the "
            "timeouts of its jobs are set there"
        )
        return
    callee = callee_of(job, context)
    if callee is None:
        yield Unknown(
            f"{job.display} calls '{job.uses.raw}', which is not a workflow found in this "
            "repository"
        )
        return
    # A callee file in the run reports its own missing or invalid timeouts; the caller adds
    # only what its own triggers change: the bound (CI when the caller runs on push/PRs).
    bounds_only = in_run(context, callee.source.path)
    for inner in callee.jobs.values():
        if inner.runs_on is None:
            continue  # a nested caller is judged in the callee's own file
        label = f"job '{inner.id}' of '{job.uses.raw}' (called by {job.display})"
        judged = _Judged(inner, label, ("uses",))
        if bounds_only and _minutes(inner.timeout_minutes) is None and not _is_expression(inner):
            continue
        # The caller's triggers decide whether the callee's jobs run as CI.
        yield from _judge(judged, job.workflow, context)
