"""What the SECRET file-class policies read besides the file itself: the ``.gitignore`` files
that would keep an environment file out of the repository (SECRET-011), and whether a
``values*.yaml`` belongs to a Helm chart (a ``Chart.yaml`` beside it, SECRET-014).

The ``.gitignore`` files read are those of the file's directory and each directory above
it, up to the run's rootdir or the repository's top (a directory holding ``.git``),
whichever comes first. Each is read once per run (``ParseCache.memo``).
"""

from __future__ import annotations

import os
import posixpath

from pytest_devops_policy import safefile
from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.knowledge.gitignore import Pattern, ignored, parse

__all__ = ["gitignore_covers", "gitignore_files", "is_chart_values"]

MAX_GITIGNORE_BYTES = 1024 * 1024


def _patterns(cache: ParseCache, path: str) -> tuple[Pattern, ...]:
    text = safefile.read_text(path, MAX_GITIGNORE_BYTES)
    return tuple(parse(text)) if text else ()


def _top(cache: ParseCache, directory: str) -> str:
    """The directory the ``.gitignore`` chain stops at, for a file in ``directory``."""
    root = os.path.abspath(cache.rootdir)
    current = directory
    while True:
        if current == root or os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current or not current.startswith(root + os.sep):
            return current  # outside the rootdir: the file's own directory only
        current = parent


def gitignore_files(cache: ParseCache, path: str) -> list[str]:
    """The ``.gitignore`` paths that may cover ``path`` (present or not), top first: what
    SECRET-011's outcome depends on."""
    directory = os.path.dirname(os.path.abspath(path))
    top = _top(cache, directory)
    chain = [directory]
    while chain[-1] != top:
        chain.append(os.path.dirname(chain[-1]))
    return [os.path.join(d, ".gitignore") for d in reversed(chain)]


def gitignore_covers(cache: ParseCache, path: str) -> bool:
    """Would git ignore ``path`` by the ``.gitignore`` files of its repository?"""
    files = gitignore_files(cache, path)
    top = os.path.dirname(files[0])
    rel = os.path.relpath(os.path.abspath(path), top).replace(os.sep, "/")
    chain: list[tuple[str, tuple[Pattern, ...]]] = []
    for file in files:
        patterns = cache.memo(_patterns, file)
        if patterns:
            base = os.path.relpath(os.path.dirname(file), top).replace(os.sep, "/")
            chain.append(("" if base == "." else base, patterns))
    return ignored(chain, rel)


def _chart_dir(cache: ParseCache, directory: str) -> bool:
    return safefile.is_regular_file(os.path.join(directory, "Chart.yaml"))


def is_chart_values(cache: ParseCache, path: str) -> bool:
    """A ``values*.yaml`` (``values.yaml``, ``values-prod.yaml``) beside a ``Chart.yaml``."""
    name = posixpath.basename(path.replace(os.sep, "/")).lower()
    if not (name.startswith("values") and name.endswith((".yaml", ".yml"))):
        return False
    return cache.memo(_chart_dir, os.path.dirname(os.path.abspath(path)))
