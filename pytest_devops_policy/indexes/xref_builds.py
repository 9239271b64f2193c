"""The repository paths a workflow's image builds read (XREF-005): their Dockerfiles and
context directories, present or not.

A workflow's cached verdicts depend on them: a Dockerfile that appears, moves or gains a
stage changes XREF-005's answer, so the result cache (and changed mode) key on them. Kept
as content-keyed facts, so a warm run does not parse the workflow to list them.
"""

from __future__ import annotations

import os
import re

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.model import ParsedFile, ParseError

__all__ = ["build_inputs", "path_kind", "repository_of", "stage_names"]

# Every build reader of knowledge.xref names one of these words.
_BUILDS = re.compile(r"build|bud\b|kaniko|executor")


def _paths(parsed: ParsedFile | ParseError) -> list[str]:
    from pytest_devops_policy.formats.github_actions.workflow import Job
    from pytest_devops_policy.knowledge.xref.events import BuildEvent
    from pytest_devops_policy.knowledge.xref.gha_events import job_events

    if isinstance(parsed, ParseError) or not _BUILDS.search(parsed.source.text):
        return []  # most workflows build no image: no script is read for them
    out: list[str] = []
    for subject in parsed.subjects:
        if not isinstance(subject, Job):
            continue
        for event in job_events(subject):
            if isinstance(event, BuildEvent):
                out += [p for p in (event.context_path, event.dockerfile_path) if p]
    return sorted({p for p in out if "$" not in p and not os.path.isabs(p)})


def build_inputs(path: str, root: str, cache: ParseCache) -> list[str]:
    """Absolute paths (under the repository ``root``) that the workflow's builds read."""
    from pytest_devops_policy.formats.github_actions.workflow import KIND

    rels = cache.facts(path, KIND, "xref.builds", _paths)
    return [os.path.normpath(os.path.join(root, rel)) for rel in rels if ".." not in rel]


def repository_of(path: str, cache: ParseCache) -> str:
    """The repository root of a workflow file (the directory holding its ``.github``)."""
    from pytest_devops_policy.indexes.workflows import repository_root

    return repository_root(path, cache.rootdir)


def path_kind(root: str, rel: str) -> str | None:
    """``"file"``, ``"dir"`` or None (absent) for a repository-relative path."""
    path = os.path.join(root, rel)
    if os.path.isfile(path):
        return "file"
    return "dir" if os.path.isdir(path) else None


def stage_names(root: str, rel: str, cache: ParseCache) -> list[tuple[str, int]] | None:
    """The named stages of the Dockerfile at ``rel`` with their FROM lines; None when it
    does not parse."""
    from pytest_devops_policy.indexes.xref_facts import dockerfile_facts

    facts = cache.facts(os.path.join(root, rel), "dockerfile", "xref.dockerfile", dockerfile_facts)
    if facts is None:
        return None
    stages = facts.get("stages", [])
    return [(str(s["name"]), int(s.get("line") or 1)) for s in stages if s.get("name")]
