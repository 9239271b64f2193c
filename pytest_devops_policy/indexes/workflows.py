"""The workflows of one repository, for policies that follow a job into another file.

A job may call a local reusable workflow (``uses: ./.github/workflows/deploy.yml``,
catalog §3.1, §3.2-4); whether it deploys, and how, is decided by the callee's
jobs. The index parses (through the run's shared parse cache) every workflow
directly in ``<repository>/.github/workflows`` (GitHub ignores subdirectories),
the repository being the directory that holds ``.github``.

Built once per repository and run (``index_for``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.formats.github_actions.uses import UsesRef
from pytest_devops_policy.formats.github_actions.workflow import KIND, Workflow, WorkflowFile
from pytest_devops_policy.model import Subject
from pytest_devops_policy.safefile import is_regular_file

__all__ = [
    "WorkflowIndex",
    "build_index",
    "dependencies",
    "index_for",
    "index_scope",
    "workflow_files",
]


@dataclass
class WorkflowIndex:
    """The workflows of one repository, by path relative to the repository root."""

    root: str
    workflows: dict[str, Workflow] = field(default_factory=dict)

    def resolve(self, ref: UsesRef) -> Workflow | None:
        """The callee of ``uses: ./.github/workflows/x.yml`` (``None`` if remote or not found)."""
        if ref.kind != "local-workflow":
            return None
        return self.workflows.get(ref.local_path)


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


def dependencies(path: str) -> list[str]:
    """The files a workflow's outcomes depend on (reusable workflows it calls): the result
    cache keys on their content too."""
    return workflow_files(_scope_of(path))


def index_for(subject: Subject[Any], cache: ParseCache) -> WorkflowIndex:
    """The index of the subject's repository, built once per run."""
    return cache.memo(_build, index_scope(subject))


def _build(cache: ParseCache, scope: str) -> WorkflowIndex:
    return build_index(scope, cache)


def build_index(scope: str, cache: ParseCache) -> WorkflowIndex:
    """Parse (through the shared cache) every workflow directly in ``<scope>/.github/workflows``."""
    index = WorkflowIndex(scope)
    for path in workflow_files(scope):
        parsed = cache.get(path, KIND)
        if isinstance(parsed, WorkflowFile) and parsed.workflow is not None:
            index.workflows[f".github/workflows/{os.path.basename(path)}"] = parsed.workflow
    return index
