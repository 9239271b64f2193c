"""The events of a GitLab CI job, script line by script line (catalog §9.2-1, §9.2-7).

``before_script`` and ``script`` run in one shell from ``$CI_PROJECT_DIR`` (the
repository root), so a ``cd`` in one line holds for the next ones; ``after_script`` runs
in a new shell from the root again. Each line is read by ``script_events`` (the same
reader as GitHub's ``run:``). An event's origin is ``(keyword, index)``, the path
``GitLabJob.locate`` turns into the line GitLab policies report. Values are kept as
written (``$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA``); ``knowledge.xref.resolve`` reads them.

Deliberately UNKNOWN: ``trigger:`` jobs and child pipelines, ``include:``d scripts from
other projects, ``!reference`` tags the pipeline reader could not resolve.
"""

from __future__ import annotations

import weakref
from functools import partial

from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.xref.events import Event, Origin
from pytest_devops_policy.knowledge.xref.script_events import script_events

__all__ = ["gitlab_job_events"]


def _origin(
    gl_job: GitLabJob, section: str, index: int, at: int, n: int, script_line: int, text: str
) -> Origin:
    return Origin(
        file=gl_job.source.relpath,
        job=gl_job.name,
        step=None,
        section=section,
        index=index,
        command=n,
        script_line=script_line,
        path=(section, index),
        line=at,
        text=text,
    )


_EVENTS: weakref.WeakKeyDictionary[GitLabJob, tuple[Event, ...]] = weakref.WeakKeyDictionary()


def gitlab_job_events(gl_job: GitLabJob) -> list[Event]:
    """Every event of the job's script lines, in the order the runner runs them (read once
    per job: several policies ask)."""
    found = _EVENTS.get(gl_job)
    if found is None:
        found = _EVENTS[gl_job] = tuple(_read(gl_job))
    return list(found)


def _read(gl_job: GitLabJob) -> list[Event]:
    events: list[Event] = []
    cwd: str | None = "."
    for section in ("before_script", "script", "after_script"):
        if section == "after_script":
            cwd = "."  # a separate shell, started from the project directory
        for index, line in enumerate(getattr(gl_job, section)):
            found = gl_job.locate((section, index))
            at = found[0] if found else gl_job.line
            where = partial(_origin, gl_job, section, index, at)
            found_events, cwd = script_events(line, where, cwd)
            events += found_events
    return events
