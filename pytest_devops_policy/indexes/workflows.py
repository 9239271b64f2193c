"""The workflows of one repository, for policies that follow a job into another file.

A job may call a local reusable workflow (``uses: ./.github/workflows/deploy.yml``,
catalog §3.1, §3.2-4); whether it deploys, and how, is decided by the callee's
jobs. The index parses (through the run's shared parse cache) every workflow
directly in ``<repository>/.github/workflows`` (GitHub ignores subdirectories),
the repository being the directory that holds ``.github``. A step may use a local
action (``uses: ./.github/actions/setup``): ``resolve_action`` parses its ``action.yml``
on request. A workflow's cached results depend on both (``dependencies``).

Built once per repository and run (``index_for``).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.discovery import ACTION_FILE_NAMES
from pytest_devops_policy.formats.github_actions.action import Action, ActionFile
from pytest_devops_policy.formats.github_actions.uses import UsesRef
from pytest_devops_policy.formats.github_actions.workflow import KIND, Job, Workflow, WorkflowFile
from pytest_devops_policy.model import ParsedFile, ParseError, Subject
from pytest_devops_policy.safefile import is_regular_file

__all__ = [
    "WorkflowIndex",
    "action_file",
    "build_index",
    "dependencies",
    "index_for",
    "index_scope",
    "local_action_dir",
    "repository_root",
    "workflow_files",
]


@dataclass
class WorkflowIndex:
    """The workflows of one repository, by path relative to the repository root, and the
    local actions asked for (``resolve_action``), parsed through the run's cache."""

    root: str
    workflows: dict[str, Workflow] = field(default_factory=dict)
    actions: dict[str, Action | None] = field(default_factory=dict)
    cache: ParseCache | None = field(default=None, repr=False, compare=False)

    def resolve(self, ref: UsesRef) -> Workflow | None:
        """The callee of ``uses: ./.github/workflows/x.yml`` (``None`` if remote or not found)."""
        if ref.kind != "local-workflow":
            return None
        return self.workflows.get(ref.local_path)

    def resolve_action(self, ref: UsesRef) -> Action | None:
        """The action of a step's ``uses: ./path``: ``<repository>/path/action.yml`` (or
        ``action.yaml``, as the runner looks for them). ``None`` for a remote reference, a
        path outside the repository, a directory without one (a Dockerfile-only action) or
        a file that is not an action."""
        rel = local_action_dir(ref)
        if rel is None:
            return None
        if rel in self.actions:
            return self.actions[rel]
        found: Action | None = None
        path = action_file(self.root, rel)
        if path is not None and self.cache is not None:
            parsed = self.cache.get(path, KIND)
            if isinstance(parsed, ActionFile):
                found = parsed.action
        self.actions[rel] = found
        return found


def local_action_dir(ref: UsesRef) -> str | None:
    """The repository-relative directory of ``uses: ./path`` ('.' for ``./``), or None
    (remote, a reusable workflow, or a path that leaves the repository)."""
    if ref.kind != "local":
        return None
    rel = posixpath.normpath(ref.local_path or ".")
    if rel == ".." or rel.startswith(("../", "/")):
        return None
    return rel


def action_file(root: str, rel: str) -> str | None:
    """``<root>/<rel>/action.yml`` or ``action.yaml``, the first that is a regular file."""
    for name in ACTION_FILE_NAMES:
        path = os.path.normpath(os.path.join(root, rel, name))
        if is_regular_file(path):
            return path
    return None


def repository_root(source_path: str, rootdir: str) -> str:
    """The repository a workflow or action belongs to: the directory holding ``.github``
    when the file is under it; else the nearest directory (up to ``rootdir``) that holds a
    ``.github`` or ``.git``, else ``rootdir`` itself for a file inside it (an action in
    ``actions/setup/``, a workflow template), else the file's directory."""
    path = os.path.abspath(source_path)
    if ".github" in path.replace(os.sep, "/").split("/")[:-1]:
        return _scope_of(path)
    root = os.path.abspath(rootdir)
    directory = os.path.dirname(path)
    inside = directory == root or directory.startswith(root.rstrip(os.sep) + os.sep)
    if not inside:
        return directory
    while True:
        if os.path.isdir(os.path.join(directory, ".github")) or os.path.exists(
            os.path.join(directory, ".git")
        ):
            return directory
        if directory == root:
            return root
        directory = os.path.dirname(directory)


def index_scope(subject: Subject[Any]) -> str:
    """The repository root: the directory holding ``.github`` (else the file's directory)."""
    return _scope_of(subject.source.path)


def _scope_of(source_path: str) -> str:
    path = os.path.abspath(source_path)
    parts = path.replace(os.sep, "/").split("/")
    for i in range(len(parts) - 2, 0, -1):
        if parts[i] == ".github":
            return os.sep.join(parts[:i]) or os.sep
    return os.path.dirname(path)


def workflow_files(scope: str) -> list[str]:
    """Every workflow directly in ``<scope>/.github/workflows``, sorted."""
    wf_dir = os.path.join(scope, ".github", "workflows")
    try:
        names = sorted(os.listdir(wf_dir))
    except OSError:
        return []
    paths = (os.path.join(wf_dir, n) for n in names if n.endswith((".yml", ".yaml")))
    return [p for p in paths if is_regular_file(p)]  # no FIFO, device or huge file


def dependencies(path: str, cache: ParseCache | None = None) -> list[str]:
    """The files a workflow's (or action's) outcomes depend on: the result cache keys on
    their content too. The repository's workflows (reusable workflows it calls) and, given
    the run's cache, the local actions (``uses: ./path``) those workflows and the file use,
    transitively, each as both names the runner looks for (a new one changes the key)."""
    if cache is None:
        return workflow_files(_scope_of(path))
    scope = repository_root(path, cache.rootdir)
    files = workflow_files(scope)
    actions = cache.memo(_repository_actions, scope)
    if path in files:
        return [*files, *actions]
    own = [a for a in _action_closure(cache, scope, [path]) if a not in actions]
    return [*files, *actions, *own]


def _repository_actions(cache: ParseCache, scope: str) -> list[str]:
    return _action_closure(cache, scope, workflow_files(scope))


def _action_closure(cache: ParseCache, scope: str, start: list[str]) -> list[str]:
    """The action files (candidates, present or not) the files ``start`` reach through
    local ``uses: ./path`` steps, transitively."""
    out: list[str] = []
    seen: set[str] = set()
    queue = list(start)
    while queue:
        current = queue.pop(0)
        for rel in cache.facts(current, KIND, "gha-local-actions", _local_action_dirs):
            if rel in seen:
                continue
            seen.add(rel)
            out.extend(os.path.normpath(os.path.join(scope, rel, n)) for n in ACTION_FILE_NAMES)
            found = action_file(scope, rel)
            if found is not None:
                queue.append(found)
    return out


def _local_action_dirs(parsed: ParsedFile | ParseError) -> list[str]:
    """The directories a workflow's or action's steps use as local actions (a fact)."""
    jobs: list[Job] = []
    if isinstance(parsed, WorkflowFile) and parsed.workflow is not None:
        jobs = list(parsed.workflow.jobs.values())
    elif isinstance(parsed, ActionFile):
        jobs = [s for s in parsed.subjects if isinstance(s, Job)]
    found: dict[str, None] = {}
    for job in jobs:
        for step in job.steps:
            rel = local_action_dir(step.uses) if step.uses is not None else None
            if rel is not None:
                found[rel] = None
    return list(found)


def index_for(subject: Subject[Any], cache: ParseCache) -> WorkflowIndex:
    """The index of the subject's repository, built once per run."""
    return cache.memo(_build, repository_root(subject.source.path, cache.rootdir))


def _build(cache: ParseCache, scope: str) -> WorkflowIndex:
    return build_index(scope, cache)


def build_index(scope: str, cache: ParseCache) -> WorkflowIndex:
    """Parse (through the shared cache) every workflow directly in ``<scope>/.github/workflows``."""
    index = WorkflowIndex(scope, cache=cache)
    for path in workflow_files(scope):
        parsed = cache.get(path, KIND)
        if isinstance(parsed, WorkflowFile) and parsed.workflow is not None:
            index.workflows[f".github/workflows/{os.path.basename(path)}"] = parsed.workflow
    return index
