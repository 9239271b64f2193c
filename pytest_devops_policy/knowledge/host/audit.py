"""The Linux audit subsystem as text (HOST-016): ``auditctl -s``, the rules (``auditctl -l`` and
the files under ``/etc/audit/rules.d``, which share one syntax), ``auditd.conf`` and the
``au-remote`` plugin.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "Watch",
    "audit_rules",
    "auditctl_status",
    "immutable",
    "key_values",
    "missing_watches",
    "watched_perms",
]


def auditctl_status(text: str) -> dict[str, str]:
    """``auditctl -s``: ``enabled 1`` lines (audit 3), or one ``AUDIT_STATUS: enabled=1 flag=1
    pid=612 ...`` line (audit 2.x)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("AUDIT_STATUS:"):
            for pair in line.split()[1:]:
                key, _, value = pair.partition("=")
                out[key] = value
            continue
        key, _, value = line.partition(" ")
        if key and value:
            out[key] = value.split()[0]
    return out


@dataclass(frozen=True)
class Watch:
    """What one rule watches: a path (a file, or a directory and everything under it) and the
    access kinds (``r w x a``)."""

    path: str
    perms: frozenset[str]
    line: int
    directory: bool  # -F dir= (or a -w path written with a trailing /)


def _norm(path: str) -> str:
    return posixpath.normpath(path) if path.startswith("/") else path


def audit_rules(text: str) -> tuple[list[Watch], list[str]]:
    """The watches of a rule list, and its ``-e`` values (``2`` locks the rules)."""
    watches: list[Watch] = []
    controls: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        opts: list[tuple[str, str]] = []
        i = 0
        while i < len(words):
            word = words[i]
            if word.startswith("-") and i + 1 < len(words) and not words[i + 1].startswith("-"):
                opts.append((word, words[i + 1]))
                i += 2
            else:
                opts.append((word, ""))
                i += 1
        first = opts[0][0]
        if first == "-e":
            controls.append(opts[0][1])
        elif first == "-w":
            path = opts[0][1]
            perms = next((v for k, v in opts if k == "-p"), "rwxa")
            watches.append(Watch(_norm(path), frozenset(perms), number, path.endswith("/")))
        elif first in ("-a", "-A"):
            action = set(opts[0][1].split(","))
            if action != {"always", "exit"}:
                continue  # never rules, other lists
            fields = dict(v.partition("=")[::2] for k, v in opts if k == "-F" and "=" in v)
            syscalls = [v for k, v in opts if k == "-S"]
            target = fields.get("path") or fields.get("dir")
            if not target:
                continue
            perm = fields.get("perm", "" if syscalls else "rwxa")
            if perm:
                watches.append(Watch(_norm(target), frozenset(perm), number, "dir" in fields))
    return watches, controls


def watched_perms(watches: Iterable[Watch], path: str) -> frozenset[str]:
    """The access kinds audited on ``path``: its own watches and its directories' (a
    directory watch covers the tree below it)."""
    path = _norm(path)
    found: set[str] = set()
    for w in watches:
        if w.path == path or path.startswith(w.path.rstrip("/") + "/"):
            found |= w.perms
    return frozenset(found)


def missing_watches(watches: Iterable[Watch], paths: Iterable[str]) -> list[str]:
    """The paths whose writes (``w``) and attribute changes (``a``) are not both audited."""
    listed = list(watches)
    return [p for p in paths if not {"w", "a"} <= watched_perms(listed, p)]


def immutable(controls: Iterable[str]) -> bool:
    """The last ``-e`` of a rule file decides: ``-e 2`` locks the rules until reboot."""
    values = list(controls)
    return bool(values) and values[-1] == "2"


def key_values(text: str) -> Mapping[str, str]:
    """``key = value`` lines (auditd.conf, plugin files); keys lower-cased, last one wins."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        key, sep, value = line.partition("=")
        if sep and key.strip():
            out[key.strip().lower()] = value.strip()
    return out
