"""What a repository's workflows run on pull requests (GHA-015, GHA-023).

A *pull-request workflow* is triggered by ``pull_request`` or ``merge_group`` (catalog
GHA-015/GHA-023; ``pull_request_target`` runs the base branch's workflow, not the
proposed change's checks, so it does not count). Its jobs are walked with local reusable
workflows resolved (``uses: ./.github/workflows/x.yml``: the callee's jobs run for the
caller's event); a remote callee cannot be read and is reported as such. A job or step
whose ``if:`` is false for the event (``github.event_name == 'push'``) does not run on a
pull request and does not count.

A running step that calls a local composite action (``uses: ./.github/actions/lint``)
runs that action's steps too (``called_actions``, transitively): a scan, a linter or the
tests hidden in one count for the pull request like the job's own steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.formats.github_actions.action import Action, ActionJob
from pytest_devops_policy.formats.github_actions.triggers import Trigger, github_glob_match
from pytest_devops_policy.formats.github_actions.uses import UsesRef
from pytest_devops_policy.formats.github_actions.workflow import Job, Step, Workflow
from pytest_devops_policy.knowledge.ci.conditions import UNKNOWN, condition_outcome

__all__ = [
    "PR_EVENTS",
    "CalledAction",
    "RanJob",
    "called_actions",
    "filter_note",
    "pr_events",
    "ran_jobs",
    "runs_on",
    "workflow_path",
]

PR_EVENTS = ("pull_request", "merge_group")
MAX_DEPTH = 5  # reusable workflows may call others; GitHub allows 4 levels


def workflow_path(wf: Workflow) -> str:
    return wf.source.relpath


def pr_events(wf: Workflow) -> tuple[str, ...]:
    return tuple(e for e in PR_EVENTS if e in wf.on)


def runs_on(condition: str | None, event: str) -> bool:
    """Whether an ``if:`` can hold for ``event`` (unknown values: it can)."""
    if not condition:
        return True

    def lookup(path: tuple[str, ...]) -> Any:
        if path == ("github", "event_name"):
            return event
        return UNKNOWN

    return condition_outcome(condition, lookup) is not False


@dataclass(frozen=True)
class RanJob:
    """A job that runs for an event of ``top`` (the triggered workflow); ``via`` names the
    caller job when it is a reusable workflow's job."""

    top: Workflow
    job: Job
    via: str = ""

    def where(self, step: Step | None = None) -> str:
        at = f"{workflow_path(self.job.workflow)} {self.job.display}"
        if self.via:
            at += f" (called by {self.via})"
        return f"{at} {step.label}" if step is not None else at

    def steps(self, event: str) -> Iterator[Step]:
        for step in self.job.steps:
            if runs_on(step.if_, event):
                yield step


@dataclass(frozen=True)
class CalledAction:
    """A local composite action that a running step calls, as a job of its ``runs.steps``;
    ``where`` says how it is reached (``composite action 'Lint' (called by … step 2)``)."""

    job: ActionJob
    where: str

    def steps(self, event: str) -> Iterator[Step]:
        for step in self.job.steps:
            if runs_on(step.if_, event):
                yield step


def _inside(called: CalledAction) -> Callable[[Step], str]:
    return lambda step: f"{called.where} {step.label}"


def called_actions(
    ran: RanJob, event: str, resolve_action: Callable[[UsesRef], Action | None]
) -> Iterator[CalledAction]:
    """The local composite actions the job's steps that run for ``event`` call,
    transitively (each action once per job, at most ``MAX_DEPTH`` deep). A step whose
    action cannot be read (remote, missing, JavaScript or Docker) adds nothing."""
    return _called(ran.steps(event), ran.where, 1, event, resolve_action, set())


# The walks below are module functions, not closures: a closure that calls itself is a
# reference cycle, and it would keep the workflows it saw until the cyclic collector runs.


def _called(
    steps: Iterable[Step],
    where: Callable[[Step], str],
    depth: int,
    event: str,
    resolve_action: Callable[[UsesRef], Action | None],
    seen: set[str],
) -> Iterator[CalledAction]:
    for step in steps:
        if step.uses is None or step.uses.kind != "local":
            continue
        action = resolve_action(step.uses)
        if action is None or not action.is_composite or action.source.path in seen:
            continue
        seen.add(action.source.path)
        called = CalledAction(ActionJob(action), f"{action.display} (called by {where(step)})")
        yield called
        if depth < MAX_DEPTH:
            yield from _called(
                called.steps(event), _inside(called), depth + 1, event, resolve_action, seen
            )


def ran_jobs(
    wf: Workflow,
    event: str,
    resolve: Callable[[UsesRef], Workflow | None],
    remote: list[str],
) -> Iterator[RanJob]:
    """The jobs that run when ``event`` triggers ``wf``; remote callees go to ``remote``."""
    return _ran(wf, wf, "", frozenset({wf.source.path}), 0, event, resolve, remote)


def _ran(
    wf: Workflow,
    current: Workflow,
    via: str,
    seen: frozenset[str],
    depth: int,
    event: str,
    resolve: Callable[[UsesRef], Workflow | None],
    remote: list[str],
) -> Iterator[RanJob]:
    for job in current.jobs.values():
        if not runs_on(job.if_, event):
            continue
        if job.uses is None:
            yield RanJob(wf, job, via)
            continue
        callee = resolve(job.uses)
        here = f"{workflow_path(current)} {job.display}"
        if callee is None:
            if job.uses.is_remote or not job.uses.is_local:
                remote.append(f"{here} calls '{job.uses.raw}'")
            continue
        key = callee.source.path
        if key in seen or depth >= MAX_DEPTH:
            continue
        yield from _ran(wf, callee, via or here, seen | {key}, depth + 1, event, resolve, remote)


def _reaches(pattern: str, directory: str) -> bool:
    """Whether a ``paths`` pattern can match a file under a top-level ``directory``: its
    first segment holds ``**`` or matches the directory (``*`` never crosses a ``/``, so
    ``*.md`` matches files at the root only)."""
    first, sep, _ = pattern.lstrip("/").partition("/")
    if "**" in first:
        return True
    return bool(sep) and github_glob_match(first, directory)


def _ignores_all(pattern: str, directory: str) -> bool:
    """Whether a ``paths-ignore`` pattern matches every file under ``directory``."""
    p = pattern.lstrip("/").rstrip("/")
    return p in ("**", "*", "**/*") or p in (f"{directory}/**", f"{directory}/**/*", directory)


def filter_note(trigger: Trigger, source_dirs: tuple[str, ...]) -> str | None:
    """Why a pull-request trigger's ``paths``/``paths-ignore`` filter leaves every top-level
    source directory out (``None``: it does not, or there is nothing to judge)."""
    if not source_dirs:
        return None
    paths = trigger.filter("paths")
    if paths is not None:
        included = [p for p in paths if not p.startswith("!")]
        if not any(_reaches(p, d) for p in included for d in source_dirs):
            return (
                f"its {trigger.event} paths filter {list(paths)} matches none of the "
                f"top-level directories {list(source_dirs)}"
            )
    ignored = trigger.filter("paths-ignore")
    if ignored is not None and all(any(_ignores_all(p, d) for p in ignored) for d in source_dirs):
        return (
            f"its {trigger.event} paths-ignore filter {list(ignored)} leaves out every "
            f"top-level directory {list(source_dirs)}"
        )
    return None
