"""The names in a directory of the host (drop-in directories, package indexes, /lib/modules).

``Host`` reads files and stats known paths; drop-in directories need their names first. One
``ls -1A`` per directory, under ``root`` like every read (a tree is listed, not the live
machine). ``None`` means the directory is not there; a refused listing raises ``NeedsRoot``.
"""

from __future__ import annotations

import fnmatch
import shlex

from pytest_devops_policy.hosts.probe import Host, NeedsRoot

__all__ = ["LS", "list_dir", "matching"]

# What --devops-policy-explain shows; {dir} is the directory (under host.root).
LS = "ls -1A -- {dir}"


def list_dir(host: Host, directory: str) -> list[str] | None:
    """The sorted entry names of ``directory`` (a logical path), None when it is absent."""
    result = host.run(LS.format(dir=shlex.quote(host.root + directory)))
    if "Permission denied" in result.err:
        raise NeedsRoot(f"list {directory}")
    if not result.ok:
        return None
    # ls prints a plain file's own path: a name never holds a slash.
    return sorted(n for n in result.out.splitlines() if n and "/" not in n)


def matching(host: Host, directory: str, pattern: str) -> list[str]:
    """The paths in ``directory`` whose names match the glob ``pattern``, sorted by name."""
    names = list_dir(host, directory) or []
    base = directory.rstrip("/")
    return [f"{base}/{n}" for n in names if fnmatch.fnmatchcase(n, pattern)]
