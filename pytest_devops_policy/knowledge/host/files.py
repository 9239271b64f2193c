"""Directory listings, globs and stats on a host, batched (catalog §8.2-4).

The core gives ``host.read`` and one batched ``host.stat``; several policies also need to know
which files a directory holds (``/etc/sudoers.d``, ``sshd_config.d``, ``include`` globs). One
``find`` lists many directories in one round trip. It walks the file tree, not the live
machine's state, so it is used for a tree under ``host.root`` too (the paths are taken under
the root, and the answers are given back without it).
"""

from __future__ import annotations

import fnmatch
import posixpath
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pytest_devops_policy.hosts.probe import FileStat, Host, NeedsRoot

__all__ = [
    "LIST_COMMAND",
    "Listing",
    "expand_globs",
    "has_glob",
    "list_command",
    "list_dirs",
    "stat_some",
]

# How a listing is run (shown by --devops-policy-explain): the directories, one level deep.
LIST_COMMAND = "find <directory>... -mindepth 1 -maxdepth 1 -print"
_GLOB_CHARS = frozenset("*?[")


def has_glob(path: str) -> bool:
    return any(c in _GLOB_CHARS for c in path)


def list_command(dirs: Sequence[str]) -> str:
    quoted = " ".join(shlex.quote(d) for d in dirs)
    return f"find {quoted} -mindepth 1 -maxdepth 1 -print"


@dataclass
class Listing:
    """What a batch of directories holds: names by directory (absent directories map to
    nothing), and the directories that could not be read."""

    names: dict[str, list[str]] = field(default_factory=dict)
    denied: list[str] = field(default_factory=list)
    failed: str = ""  # the listing could not run at all (no find): why

    def files(self, directory: str) -> list[str]:
        """Full paths of the entries of ``directory``, in lexical order."""
        return [posixpath.join(directory, n) for n in self.names.get(directory, [])]


def list_dirs(host: Host, dirs: Iterable[str]) -> Listing:
    """One ``find`` over ``dirs`` (logical paths); entries sorted by name."""
    wanted = list(dict.fromkeys(d.rstrip("/") or "/" for d in dirs))
    out = Listing()
    if not wanted:
        return out
    root = host.root
    result = host.run(list_command([root + d for d in wanted]))
    if result.missing:
        out.failed = "find is not available on the host"
        return out
    by_dir: dict[str, list[str]] = {d: [] for d in wanted}
    for line in result.out.splitlines():
        if root and line.startswith(root):
            line = line[len(root) :] or "/"
        parent, name = posixpath.split(line)
        if parent in by_dir and name:
            by_dir[parent].append(name)
    for d in wanted:
        if _denied(result.err, root + d):
            out.denied.append(d)
        elif by_dir[d] or not _absent(result.err, root + d):
            out.names[d] = sorted(by_dir[d])
    return out


def _denied(err: str, path: str) -> bool:
    return any(
        line.endswith("Permission denied") and (f"'{path}'" in line or f" {path}:" in line)
        for line in err.splitlines()
    )


def _absent(err: str, path: str) -> bool:
    return any(
        ("No such file" in line or "Not a directory" in line)
        and (f"'{path}'" in line or f" {path}:" in line)
        for line in err.splitlines()
    )


def expand_globs(host: Host, patterns: Iterable[str]) -> tuple[list[str], Listing]:
    """Paths matching ``patterns`` (a glob in the last component only, as ``include
    conf.d/*.conf`` has; plain paths are kept as they are), with the listing used."""
    plain: list[str] = []
    globbed: list[tuple[str, str]] = []
    for p in patterns:
        parent, name = posixpath.split(p)
        if has_glob(name) and not has_glob(parent):
            globbed.append((parent, name))
        elif not has_glob(p):
            plain.append(p)
    listing = list_dirs(host, [d for d, _ in globbed])
    found = list(plain)
    for parent, name in globbed:
        found.extend(
            posixpath.join(parent, n)
            for n in listing.names.get(parent, [])
            if fnmatch.fnmatchcase(n, name)
        )
    return list(dict.fromkeys(found)), listing


def stat_some(host: Host, paths: Iterable[str]) -> tuple[dict[str, FileStat | None], list[str]]:
    """The batched stat, and the paths it was refused for (not root): a refused path is
    dropped and the batch is asked again, so the readable part can still fail."""
    wanted = list(dict.fromkeys(paths))
    denied: list[str] = []
    while True:
        try:
            return host.stat(wanted), denied
        except NeedsRoot as exc:
            what = exc.what.removeprefix("stat ")
            logical = what[len(host.root) :] if host.root and what.startswith(host.root) else what
            if logical not in wanted:
                raise
            wanted.remove(logical)
            denied.append(logical)
