"""The repository paths a workflow's image builds and deploys name, present or not:
Dockerfiles and build contexts (XREF-005), manifests applied with ``-f``/``-k``, local
charts and values files (XREF-001/006).

A workflow's cached verdicts depend on them: a Dockerfile that appears, moves or gains a
stage changes XREF-005's answer, a values file that appears changes XREF-001's, so the result
cache (and changed mode) key on them, beside the run-wide digest of ``xref_inputs``. Kept
as content-keyed facts, so a warm run does not parse the workflow to list them.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from pytest_devops_policy.api import Unknown, Violation
from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.model import ParsedFile, ParseError

if TYPE_CHECKING:
    from pytest_devops_policy.formats.github_actions.workflow import Job
    from pytest_devops_policy.knowledge.xref.events import BuildEvent

__all__ = [
    "build_inputs",
    "gha_may_create",
    "gitlab_root",
    "judge_builds",
    "path_kind",
    "repository_of",
    "stage_names",
]

# Actions that only set up the runner or log in: they write nothing the build reads.
_INERT_ACTIONS = re.compile(
    r"^(?:actions/checkout|actions/setup-[\w-]+|docker/(?:setup-[\w-]+|login-action|"
    r"metadata-action)|aws-actions/(?:configure-aws-credentials|amazon-ecr-login)|"
    r"google-github-actions/(?:auth|setup-gcloud)|azure/login)$",
    re.I,
)
# Every build and deploy reader of knowledge.xref names one of these words.
_BUILDS = re.compile(r"build|bud\b|kaniko|executor|kubectl|helm|kustomize")


def _paths(parsed: ParsedFile | ParseError) -> list[str]:
    from pytest_devops_policy.formats.github_actions.workflow import Job
    from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
    from pytest_devops_policy.knowledge.xref.events import (
        BuildEvent,
        DeployEvent,
        Event,
        join_path,
    )
    from pytest_devops_policy.knowledge.xref.gha_events import job_events
    from pytest_devops_policy.knowledge.xref.gl_events import gitlab_job_events

    if isinstance(parsed, ParseError) or not _BUILDS.search(parsed.source.text):
        return []  # most workflows build no image: no script is read for them
    out: list[str] = []
    for subject in parsed.subjects:
        events: list[Event]
        if isinstance(subject, Job):
            events = job_events(subject)
        elif isinstance(subject, GitLabJob):
            events = gitlab_job_events(subject)
        else:
            continue
        for event in events:
            if isinstance(event, BuildEvent):
                out += [p for p in (event.context_path, event.dockerfile_path) if p]
            elif isinstance(event, DeployEvent):
                # What XREF-001/006 look for on disk: -f files and directories, -k
                # directories, a local chart (its Chart.yaml) and values files.
                named = [*event.files, *event.kustomize_dirs, *event.values_files]
                if event.chart and not event.chart_repo:
                    named += [event.chart, posixpath.join(event.chart, "Chart.yaml")]
                out += [j for n in named if n != "-" and (j := join_path(event.cwd, n))]
    return sorted({p for p in out if "$" not in p and not os.path.isabs(p)})


def build_inputs(
    path: str, root: str, cache: ParseCache, kind: str = "github-actions"
) -> list[str]:
    """Absolute paths (under the repository ``root``) that a workflow's or a GitLab CI
    file's builds and deploys name (Dockerfiles, contexts, manifests, charts, values)."""
    rels = cache.facts(path, kind, "xref.paths", _paths)
    return [os.path.normpath(os.path.join(root, rel)) for rel in rels if ".." not in rel]


def repository_of(path: str, cache: ParseCache) -> str:
    """The repository root of a workflow file (the directory holding its ``.github``)."""
    from pytest_devops_policy.indexes.workflows import repository_root

    return repository_root(path, cache.rootdir)


def gitlab_root(path: str, cache: ParseCache) -> str:
    """The repository root of a GitLab CI file: the directory of ``.gitlab-ci.yml`` (GitLab
    reads it at the root, ``$CI_PROJECT_DIR``), else (an included file) the nearest one
    holding ``.git``."""
    if os.path.basename(path) == ".gitlab-ci.yml":
        return os.path.dirname(os.path.abspath(path))
    return repository_of(path, cache)


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


_TOKEN = re.compile(r"\$")


def judge_builds(
    builds: Sequence[BuildEvent],
    root: str,
    cache: ParseCache,
    where: Callable[[BuildEvent], str],
    may_create: Callable[[BuildEvent, str], str | None],
) -> Iterator[Violation | Unknown]:
    """XREF-005 on a job's build events, for any CI system: ``where`` names a build's step
    or script line, ``may_create`` says why a missing path may have been made by the job
    before that build (None: nothing could have)."""
    for build in builds:
        at = where(build)
        ctx = build.context_path
        dockerfile = build.dockerfile_path
        written = [p for p in (build.context, build.dockerfile) if p]
        if ctx is None or dockerfile is None or any(_TOKEN.search(p) for p in written):
            yield Unknown(
                f"{at} builds with a context or Dockerfile known only at run time "
                f"({', '.join(written) or 'unknown'})"
            )
            continue
        if posixpath.isabs(ctx) or posixpath.isabs(dockerfile) or ".." in f"{ctx}/{dockerfile}":
            yield Unknown(f"{at} builds from outside the repository ({ctx}, {dockerfile})")
            continue
        missing = []
        if path_kind(root, ctx) != "dir":
            missing.append((ctx, "context directory"))
        if path_kind(root, dockerfile) != "file":
            missing.append((dockerfile, "Dockerfile"))
        link = f"{build.origin.file}:{build.origin.line}"
        for rel, what in missing:
            why = may_create(build, rel)
            if why is not None:
                yield Unknown(f"{at}: the {what} {rel} is not in the repository, but {why}")
                continue
            fix = "fix -f/file:" if what == "Dockerfile" else "fix the context path"
            yield Violation(
                f"{at} ({build.tool}) builds with the {what} {rel}, which is not in the "
                f"repository: the build fails at once. Fix: {fix}, or restore {rel}",
                path=build.origin.path,
                links=(f"{link} -> {rel}",),
            )
        if missing or not build.target:
            continue
        names = stage_names(root, dockerfile, cache)
        if names is None:
            continue  # a Dockerfile that does not parse: its own PARSE-ERROR says so
        if _TOKEN.search(build.target):
            yield Unknown(f"{at} builds the target {build.target}, known only at run time")
        elif build.target.lower() not in {n.lower() for n, _ in names}:
            stages = ", ".join(f"{n} ({dockerfile}:{line})" for n, line in names)
            stages = stages or "none (no FROM ... AS <name>)"
            yield Violation(
                f"{at} ({build.tool}) builds --target {build.target}, which is not a "
                f"stage of {dockerfile} (its named stages: {stages}): the build fails at "
                "once. Fix: name one of those stages, or add FROM ... AS "
                f"{build.target}",
                path=build.origin.path,
                links=(f"{link} -> {dockerfile}:1",),
            )


def gha_may_create(job: Job, before: int, rel: str) -> str | None:
    """Why a missing ``rel`` may have been made by the job's steps before step ``before``."""
    first = rel.split("/", 1)[0]
    word = re.compile(rf"(?<![\w.-]){re.escape(first)}(?![\w-])")
    steps = job.steps[:before]
    for step in steps:
        if step.uses is not None:
            name = f"{step.uses.owner}/{step.uses.repo}".strip("/")
            if step.uses.is_local or not _INERT_ACTIONS.match(name):
                return f"{step.label} ({step.uses.raw}) may write it"
            if name.lower() == "actions/checkout" and (
                step.with_.get("path") or step.with_.get("repository")
            ):
                return f"{step.label} checks out another tree"
        elif step.run and word.search(step.run):
            return f"{step.label} names '{first}'"
    return None
