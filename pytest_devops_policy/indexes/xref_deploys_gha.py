"""The GitHub Actions side of XREF-001/006: a job as ``xref_deploys.JobView``, and the
decisions' outcomes as policy results."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.xref_builds import gha_may_create, repository_of
from pytest_devops_policy.indexes.xref_deploys import JobView, Outcome, Settings
from pytest_devops_policy.knowledge.xref.events import Origin
from pytest_devops_policy.knowledge.xref.gha_events import job_events
from pytest_devops_policy.knowledge.xref.resolve import GhaResolver
from pytest_devops_policy.options.xref import XrefOptions, confidence_rank

__all__ = ["job_view", "report", "settings"]

_BLOCK = re.compile(r"\brun:\s*[|>]")
# kustomize edit commands that change names or namespaces (set image is an event).
_EDITS = re.compile(r"kustomize\s+edit\s+(?!set\s+image)")


def job_view(job: Job, context: Context) -> JobView:
    resolver = GhaResolver(
        job, github_repository=context.options(XrefOptions).github_repository or None
    )
    lines = job.source.text.splitlines()

    def resolve(text: str, origin: Origin) -> str | None:
        step = job.steps[origin.step] if origin.step is not None else None
        value = resolver.resolve(text, step, shell=origin.section == "run").single
        return value.literal if value is not None else None

    def line(origin: Origin) -> int:
        at = origin.line
        if origin.section == "run" and 0 < at <= len(lines) and _BLOCK.search(lines[at - 1]):
            return at + origin.script_line
        return at

    def where(origin: Origin) -> str:
        return f"{origin.file}:{line(origin)}"

    def label(origin: Origin) -> str:
        if origin.step is None:
            return f"job '{job.id}'"
        return job.steps[origin.step].label

    def created(rel: str, origin: Origin) -> str | None:
        before = origin.step if origin.step is not None else len(job.steps)
        return gha_may_create(job, before, rel)

    scripts = " ".join(s.run or "" for s in job.steps)
    return JobView(
        events=job_events(job),
        root=repository_of(job.workflow.source.path, context.cache),
        resolve=resolve,
        may_create=created,
        where=where,
        label=label,
        edits_kustomizations=bool(_EDITS.search(scripts)),
    )


def settings(context: Context) -> Settings:
    options = context.options(XrefOptions)
    return Settings(
        manifests_complete=options.manifests_complete,
        external_objects=options.external_objects,
        cluster_scoped_kinds=options.cluster_scoped_kinds,
        # An object named in the command is an explicit, high-confidence link.
        trusted=confidence_rank("high") <= confidence_rank(options.min_link_confidence),
    )


def report(outcomes: list[Outcome]) -> Iterator[Violation | Unknown]:
    for o in outcomes:
        if o.status == "unknown":
            yield Unknown(o.message)
        else:
            yield Violation(
                o.message,
                path=o.origin.path,
                links=o.links,
                severity=Severity.LOW if o.status == "note" else None,
            )
