"""Directory listings and glob expansion on a host, under ``root``.

Config files name other files by glob (nginx ``include conf.d/*.conf``, Apache
``IncludeOptional``, ``cert_paths``), and cron keeps jobs in directories. The host is asked
for one directory at a time (``ls -1A -- DIR/``, with the path quoted: a glob written in a
config file on the audited host is never handed to its shell) and the pattern is matched
here, segment by segment, in lexical order as nginx, Apache and sshd expand them.
Reading a directory describes files, not the running machine, so it is used for trees too.
"""

from __future__ import annotations

import fnmatch
import posixpath
import shlex

from pytest_devops_policy.hosts.probe import Host, NeedsRoot

__all__ = ["expand", "has_magic", "list_command", "list_dir"]

_MAGIC = frozenset("*?[")


def has_magic(pattern: str) -> bool:
    return any(c in _MAGIC for c in pattern)


def list_command(path: str) -> str:
    """The command that lists ``path`` (rooted already): a trailing ``/`` makes ``ls``
    refuse a file ("Not a directory") instead of printing its name."""
    return f"ls -1A -- {shlex.quote(path.rstrip('/') + '/')}"


def list_dir(host: Host, path: str) -> list[str] | None:
    """The names in directory ``path`` (sorted), None when it is absent or not a directory;
    ``NeedsRoot`` when it exists but cannot be read. Cached per host."""
    key = f"listing:{path}"
    if key in host.cache:
        cached = host.cache[key]
        if isinstance(cached, NeedsRoot):
            raise cached
        return cached if isinstance(cached, list) else None
    result = host.run(list_command(host.root + path))
    names: list[str] | None
    if result.ok:
        names = sorted(n for n in result.out.splitlines() if n and "/" not in n)
    elif "Permission denied" in result.err:
        denied = NeedsRoot(f"list {path}")
        host.cache[key] = denied
        raise denied
    else:  # no such file, not a directory, or no ls at all: nothing to list
        names = None
    host.cache[key] = names
    return names


def expand(host: Host, pattern: str) -> list[str]:
    """The paths a glob matches, in lexical order. Only the segments with wildcards are
    looked up, so a literal path (or a literal last segment) comes back whether or not it
    exists: the caller reads it and learns. Hidden names match only a segment that starts
    with a dot, as in the shell. ``NeedsRoot`` when a directory on the way is unreadable."""
    if not has_magic(pattern):
        return [pattern]
    parts = [p for p in pattern.split("/") if p]
    found = ["/"]
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        nxt: list[str] = []
        for base in found:
            if not has_magic(part):
                nxt.append(posixpath.join(base, part))
                continue
            for name in list_dir(host, base) or []:
                if name.startswith(".") and not part.startswith("."):
                    continue
                if fnmatch.fnmatchcase(name, part):
                    nxt.append(posixpath.join(base, name))
        found = nxt
        if not found:
            return []
        if last:
            break
    return sorted(found)
