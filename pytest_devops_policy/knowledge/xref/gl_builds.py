"""The image builds of a GitLab CI job, resolved, and what may have made a missing path
(XREF-005's GitLab side).

A job's build events (``gl_events.gitlab_job_events``) keep paths as written; here the
Dockerfile, context and ``--target`` are read through the file's ``variables:`` (unless
the script may set them: ``gl_resolve.resolve_script``) and ``$CI_PROJECT_DIR`` (the
repository root), so ``--dockerfile $CI_PROJECT_DIR/$DOCKERFILE`` is judged when the file
sets ``DOCKERFILE``.

A path missing from the repository may still be there when the build runs:

* an earlier script line of the job names its first directory (``mkdir dist``, ``git clone
  ... src``, ``cp -r``...);
* the artifacts the job receives: ``dependencies:`` when written (``[]``: none), else the
  ``needs:`` jobs' (those with ``artifacts: true``), else every job of an earlier stage;
  an ``artifacts: paths:`` entry that could hold the path (a parent, a child, a glob or a
  variable), ``artifacts: untracked: true``, or a need on another project or pipeline;
* the job's ``cache:`` paths;
* ``GIT_STRATEGY: none`` (nothing is checked out: the files come from artifacts), a
  ``GIT_SUBMODULE_STRATEGY`` that checks out submodules, a template from another file that
  could not be resolved (``extends:`` of a remote include).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterator, Sequence
from typing import Any

from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.gl_deploys import waits_for
from pytest_devops_policy.knowledge.ci.gl_variables import variable_values
from pytest_devops_policy.knowledge.xref.events import BuildEvent, Origin, join_path
from pytest_devops_policy.knowledge.xref.gl_events import gitlab_job_events
from pytest_devops_policy.knowledge.xref.gl_resolve import resolve_script

__all__ = ["artifact_sources", "builds", "covers", "may_create", "where"]

_GLOB = re.compile(r"[*?\[$]")


def _resolved(text: str | None, job: GitLabJob) -> list[str | None]:
    """Each value ``text`` takes, with only ``$CI_PROJECT_DIR``-like workspace tokens left
    (``join_path`` roots them); None for a value still holding another token."""
    if text is None:
        return [None]
    out: list[str | None] = []
    for value in resolve_script(text, job):
        text = value.text
        probe = join_path(".", text)
        # A value of several words (``$ARGS`` = "--build-arg X=1") is split by the shell:
        # it is no path, and the reader took it for one.
        split = not text.strip() or text.startswith("-") or any(c.isspace() for c in text)
        out.append(text if probe is not None and "$" not in probe and not split else None)
    return out or [None]


def builds(job: GitLabJob) -> list[BuildEvent]:
    """The job's builds from a local context, one per value of its variables, with the
    paths rooted (``cwd`` ``.``) when every variable they read is known."""
    if job.trigger is not None:
        return []  # a trigger job runs no script
    out: list[BuildEvent] = []
    for build in gitlab_job_events(job):
        if not isinstance(build, BuildEvent) or build.context_kind not in ("path", "git"):
            continue
        contexts = _resolved(build.context, job)
        dockerfiles = _resolved(build.dockerfile, job)
        targets = _resolved(build.target, job) if build.target else [build.target]
        if None in contexts or (build.dockerfile is not None and None in dockerfiles):
            out.append(build)  # judge_builds says which token leaves it unknown
            continue
        for ctx in dict.fromkeys(contexts):
            for dockerfile in dict.fromkeys(dockerfiles):
                for target in dict.fromkeys(targets):
                    ctx_rel = join_path(build.cwd, ctx) if ctx is not None else None
                    df_rel = join_path(build.cwd, dockerfile) if dockerfile is not None else None
                    if ctx_rel is None or (dockerfile is not None and df_rel is None):
                        out.append(build)
                        continue
                    out.append(
                        dataclasses.replace(
                            build,
                            cwd=".",
                            context=ctx_rel,
                            dockerfile=df_rel,
                            target=target if target is not None else build.target,
                        )
                    )
    return list(dict.fromkeys(out))


def where(job: GitLabJob, build: BuildEvent) -> str:
    """``job 'build' script[1] (.gitlab-ci.yml:7)``."""
    o = build.origin
    return f"{job.display} {o.section}[{o.index}] ({o.file}:{o.line})"


def covers(pattern: str, rel: str) -> bool:
    """Whether an ``artifacts:``/``cache:`` path could hold (or create) ``rel``: the same
    path, a parent, a child (which creates the directory), or a glob or variable whose
    literal prefix does not rule it out."""
    pattern = posixpath.normpath(pattern.strip().removeprefix("./")).rstrip("/")
    m = _GLOB.search(pattern)
    if m is not None:
        prefix = pattern[: m.start()].rsplit("/", 1)[0] if "/" in pattern[: m.start()] else ""
        return not prefix or covers(prefix, rel)
    if pattern in (".", ""):
        return True
    return rel == pattern or rel.startswith(pattern + "/") or pattern.startswith(rel + "/")


def _paths(section: Any) -> tuple[list[str], bool]:
    """(``paths``, ``untracked``) of an ``artifacts:`` or ``cache:`` entry (or list)."""
    entries = section if isinstance(section, list) else [section]
    paths: list[str] = []
    untracked = False
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        untracked = untracked or entry.get("untracked") is True
        raw = entry.get("paths")
        paths += [str(p) for p in (raw if isinstance(raw, list) else [raw]) if p is not None]
    return paths, untracked


def artifact_sources(job: GitLabJob) -> tuple[list[GitLabJob], str | None]:
    """The jobs whose artifacts ``job`` downloads, and a reason when some come from where
    the file cannot show (another project or pipeline)."""
    jobs = job.pipeline.jobs
    deps = job.raw.get("dependencies")
    if isinstance(deps, list):
        return [jobs[str(d)] for d in deps if str(d) in jobs], None
    if job.needs is not None:
        remote = [n for n in job.needs if not n.local and n.artifacts]
        why = (
            f"it needs the artifacts of {remote[0].project or 'another pipeline'}"
            if remote
            else None
        )
        return [jobs[n.job] for n in job.needs if n.local and n.artifacts and n.job in jobs], why
    return waits_for(job), None


def _set(job: GitLabJob, name: str, values: Sequence[str]) -> bool:
    found = variable_values(job, name)
    return any(d is not None and d[0].strip().lower() in values for d in found)


def _before(job: GitLabJob, o: Origin) -> Iterator[str]:
    """The script text the runner runs before the command at ``o`` (same job)."""
    for section in ("before_script", "script", "after_script"):
        lines: tuple[str, ...] = getattr(job, section)
        for index, line in enumerate(lines):
            if (section, index) == (o.section, o.index):
                at = line.find(o.text)
                yield line[:at] if at >= 0 else line
                return
            yield line


def may_create(job: GitLabJob, origin: Origin, rel: str) -> str | None:
    """Why a missing ``rel`` may be there when the command at ``origin`` runs (None:
    nothing made it)."""
    if _set(job, "GIT_STRATEGY", ("none", "empty")):
        return "the job checks out nothing (GIT_STRATEGY): its files come from artifacts"
    first = rel.split("/", 1)[0]
    word = re.compile(rf"(?<![\w.-]){re.escape(first)}(?![\w-])")
    for text in _before(job, origin):
        if word.search(text):
            return f"an earlier script line of {job.display} names '{first}'"
    if job.unresolved_extends:
        return (
            f"{job.display} extends {job.unresolved_extends[0]}, whose scripts are not in the run"
        )
    if _set(job, "GIT_SUBMODULE_STRATEGY", ("normal", "recursive")):
        return "the job checks out submodules (GIT_SUBMODULE_STRATEGY)"
    cache_paths, cache_untracked = _paths(job.cache)
    hit = next((p for p in cache_paths if covers(p, rel)), None)
    if hit is not None or cache_untracked:
        return f"{job.display} restores a cache of {hit or 'untracked files'}"
    sources, remote = artifact_sources(job)
    if remote is not None:
        return remote
    for other in sources:
        if other.unresolved_extends:
            ext = other.unresolved_extends[0]
            return f"{other.display} (extends {ext}) may pass it as an artifact"
        paths, untracked = _paths(other.raw.get("artifacts"))
        hit = next((p for p in paths if covers(p, rel)), None)
        if hit is not None or untracked:
            return f"{other.display} passes {hit or 'its untracked files'} as artifacts"
    return None
