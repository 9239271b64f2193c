"""Directory listings and glob expansion on a host, under ``root`` (drop-in directories,
package indexes, crontabs, the include globs of nginx, Apache and sshd).

One listing per directory through the core's ``Host.listdir`` (``ls -1A -- DIR`` behind the
same existence and permission test as a file read), cached per host; patterns are matched
here, segment by segment and in lexical order, as nginx, Apache and sshd expand them, so a glob
written in a config file on the audited host never reaches its shell. Reading a directory
describes files, not the running machine, so it is used for trees too.
"""

from __future__ import annotations

import fnmatch
import shlex

from pytest_devops_policy.hosts.probe import Host, NeedsRoot

__all__ = ["LS", "expand", "has_magic", "list_command", "list_dir", "matching"]

# What --devops-policy-explain shows for a listing; {dir} is the directory (under root).
LS = "ls -1A -- {dir}"
_MAGIC = frozenset("*?[")


def has_magic(pattern: str) -> bool:
    return any(c in _MAGIC for c in pattern)


def list_command(path: str) -> str:
    """The listing command of a directory, as --devops-policy-explain shows it."""
    return LS.format(dir=shlex.quote(path.rstrip("/") + "/"))


def list_dir(host: Host, path: str) -> list[str] | None:
    """The names in directory ``path`` (sorted), None when it is absent or not a directory;
    ``NeedsRoot`` when it exists but cannot be read. Cached per host."""
    key = f"listing:{path}"
    if key in host.cache:
        cached = host.cache[key]
        if isinstance(cached, NeedsRoot):
            raise cached
        return cached if isinstance(cached, list) else None
    try:
        names = host.listdir(path)
    except NeedsRoot as exc:
        host.cache[key] = exc
        raise
    host.cache[key] = names
    return names


def matching(host: Host, directory: str, pattern: str) -> list[str]:
    """The paths in ``directory`` whose names match the glob ``pattern``, sorted by name."""
    base = directory.rstrip("/")
    names = list_dir(host, directory) or []
    return [f"{base}/{n}" for n in names if fnmatch.fnmatchcase(n, pattern)]


def expand(host: Host, pattern: str) -> list[str]:
    """The paths a glob matches, in lexical order. A pattern without wildcards comes back as
    it is, whether or not it exists (the caller reads it and learns); hidden names match only
    a segment that starts with a dot, as in the shell. ``NeedsRoot`` when a directory on the
    way cannot be read."""
    if not has_magic(pattern):
        return [pattern]
    found = ["/"]
    for part in (p for p in pattern.split("/") if p):
        nxt: list[str] = []
        for base in found:
            prefix = base.rstrip("/")
            if not has_magic(part):
                nxt.append(f"{prefix}/{part}")
                continue
            for name in list_dir(host, base) or []:
                if name.startswith(".") and not part.startswith("."):
                    continue
                if fnmatch.fnmatchcase(name, part):
                    nxt.append(f"{prefix}/{name}")
        found = nxt
        if not found:
            return []
    return sorted(found)
