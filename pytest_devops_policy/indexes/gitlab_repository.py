"""What GitLab policies read of the repository around a pipeline file (catalog §4.2).

GL-003 asks for container scanning "when Dockerfiles exist": the same facts GHA-015 reads
(``indexes.repository.describe``, its ``docker`` ecosystem), walked once per run and
repository root (the rootdir the pipeline's ``relpath`` is relative to).
"""

from __future__ import annotations

import json

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.formats.gitlab_ci.pipeline import Pipeline, repo_root_of
from pytest_devops_policy.indexes.repository import describe

__all__ = ["cache_token", "dockerfile_dirs"]


def _docker_dirs(_cache: ParseCache, root: str) -> tuple[str, ...]:
    facts = json.loads(describe(root))
    dirs = facts.get("ecosystems", {}).get("docker", [])
    return tuple(str(d) for d in dirs)


def dockerfile_dirs(pipeline: Pipeline, cache: ParseCache) -> tuple[str, ...]:
    """The directories (relative to the repository root, ``.`` for it) holding Dockerfiles."""
    root = repo_root_of(pipeline.source)
    return () if root is None else cache.memo(_docker_dirs, root)


def cache_token(cache: ParseCache) -> str:
    """The part of the repository a pipeline's verdicts read (GL-003: where Dockerfiles are),
    for the result cache: adding or removing a Dockerfile re-judges the pipeline."""
    return "docker:" + ",".join(cache.memo(_docker_dirs, cache.rootdir))
