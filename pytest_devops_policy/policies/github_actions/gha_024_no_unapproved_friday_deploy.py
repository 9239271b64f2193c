"""GHA-024: scheduled deploys that can run on a Friday are gated by an environment."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.expressions import Ctx, find_expressions, walk
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.ci.conditions import condition_node
from pytest_devops_policy.knowledge.ci.cron import FRIDAY, Cron, CronError, parse_cron
from pytest_devops_policy.knowledge.ci.deploys import (
    environment_gated,
    job_class,
    why_deploy,
)
from pytest_devops_policy.knowledge.ci.scenarios import may_be_true
from pytest_devops_policy.knowledge.ci.segments import command_segments

# `date +%u` (1-7), `+%w` (0-6), `+%a`/`+%A` (day names): a script that reads the weekday.
_WEEKDAY_DATE = re.compile(r"date\b.*\+['\"]?[^\s'\"]*%[uwaA]")
_EXIT_FAILURE = re.compile(r"(?:exit\s+(?:[1-9]\d*|\$\S+)|false)\s*$")


def _crons(job: Job) -> tuple[list[Cron], list[str]]:
    """(the schedule's crons that can fire on a Friday, notes on entries that are not crons)."""
    trigger = job.workflow.on.get("schedule")
    friday: list[Cron] = []
    notes: list[str] = []
    for text in trigger.crons if trigger is not None else ():
        try:
            cron = parse_cron(text)
        except CronError as exc:
            notes.append(f"cron '{text}' was ignored: {exc}")
            continue
        if cron.fires_on(FRIDAY):
            friday.append(cron)
    return friday, notes


def _if_excludes(job: Job, fridays: list[Cron]) -> bool:
    """The job's ``if:`` cannot hold for a scheduled run of a Friday cron (``github.event.schedule``
    names the cron that fired)."""
    node = condition_node(job.if_)
    if node is None:
        return False
    domains = {
        ("github", "event_name"): ["schedule"],
        ("github", "event", "schedule"): [c.text for c in fridays],
    }
    return may_be_true(node, (), domains) is False


def _reads_weekday(step: Step) -> bool:
    return bool(step.run) and any(
        _WEEKDAY_DATE.match(s.text) for s in command_segments(step.run or "")
    )


def _stops(step: Step) -> bool:
    """The weekday script can fail the step (``exit 1``): the job stops there."""
    return any(_EXIT_FAILURE.match(s.text) for s in command_segments(step.run or ""))


def _reads(texts: list[str | None], prefix: tuple[str, ...]) -> bool:
    for text in texts:
        node = condition_node(text)
        nodes = [node] if node is not None else []
        nodes += [e.node for e in find_expressions(text or "") if e.node is not None]
        for root in nodes:
            if any(isinstance(n, Ctx) and n.path[: len(prefix)] == prefix for n in walk(root)):
                return True
    return False


def _weekday_check(job: Job, context: Context) -> str | None:
    """A step that reads the weekday and stops the deploy (conservative, syntactic)."""
    jc = job_class(job, context)
    first = min((h.index for h in jc.deploy_steps), default=len(job.steps))
    for step in job.steps[:first]:
        if not _reads_weekday(step):
            continue
        later_ifs = [s.if_ for s in job.steps[step.index + 1 :]]
        if _stops(step) or (step.id and _reads(later_ifs, ("steps", step.id.lower(), "outputs"))):
            return f"{step.label} checks the weekday"
    for dep in sorted(job.needs_closure):
        other = job.workflow.jobs[dep]
        for step in other.steps:
            if _reads_weekday(step) and (
                _stops(step) or _reads([job.if_], ("needs", dep.lower(), "outputs"))
            ):
                return f"job '{dep}' {step.label} checks the weekday"
    return None


def _applies(job: Job, context: Context) -> bool:
    return "schedule" in job.workflow.on and job_class(job, context).is_deploy


@policy(
    id="GHA-024",
    name="no-unapproved-friday-deploy",
    title="Scheduled deploys do not run on Fridays without approval",
    severity=Severity.LOW,
    rationale=(
        "A scheduled deploy that fires on a Friday ships changes nobody is watching into "
        "the weekend, when fewer people can notice or fix a failure. An environment with "
        "required reviewers turns it into a deliberate, approved decision."
    ),
    remediation=(
        "Gate the deploy job with an environment that has required reviewers "
        "(environment: production), keep Friday out of the cron's day-of-week field "
        "(0 6 * * 1-4), or skip the job for a Friday schedule "
        "(if: github.event.schedule != '0 6 * * 5')."
    ),
    controls=("NIST-800-53-CM-3",),
    references=(
        "https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#schedule",
        "https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment#required-reviewers",
    ),
    applies=_applies,
    example=(
        "on:\n"
        "  schedule:\n"
        "    - cron: '0 6 * * 1-5'\n"
        "permissions: {}\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
    use_instead=(
        "on:\n"
        "  schedule:\n"
        "    - cron: '0 6 * * 1-5'\n"
        "permissions: {}\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
)
def no_unapproved_friday_deploy(job: Job, context: Context) -> Iterator[Violation]:
    jc = job_class(job, context)
    if not jc.is_deploy:
        return
    fridays, notes = _crons(job)
    if not fridays or environment_gated(job, context) or _if_excludes(job, fridays):
        return
    if _weekday_check(job, context):
        return
    crons = "; ".join(f"'{c.text}': {c.why_friday()}" for c in fridays)
    extra = f" ({'; '.join(notes)})" if notes else ""
    yield Violation(
        f"deploy job '{job.id}' ({why_deploy(jc)}) runs on a schedule that can fire on a "
        f"Friday ({crons}) with no environment to approve it{extra}. Add 'environment:' "
        "with required reviewers, drop Friday from the cron, or skip the job for that "
        "schedule in its if: (github.event.schedule)",
        path=(),
    )
