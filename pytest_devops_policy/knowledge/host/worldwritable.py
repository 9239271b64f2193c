"""The two ``find`` walks of HOST-007 and what their output means (catalog §8.3).

(a) world-writable files and directories in the system directories; (b) world-writable
directories without the sticky bit anywhere on the root file system and the separately
mounted temporary directories. Both stay on their file system (``-xdev``) and prune the
kernel's and the container runtimes' trees. A world-writable directory with the sticky bit
(``/tmp``, 1777) passes in both: nobody can remove or replace another user's files there.
"""

from __future__ import annotations

import fnmatch
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["EXCLUDED", "TEMP_MOUNTS", "Walk", "parse_walk", "sticky_command", "system_command"]

# Never walked: kernel interfaces, devices, other users' runtime dirs, container storage.
EXCLUDED = (
    "/proc",
    "/sys",
    "/dev",
    "/run/user",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet/pods",
)
# Walked besides the sticky roots, since they are often separate mounts (-xdev stops at them).
TEMP_MOUNTS = ("/tmp", "/var/tmp", "/dev/shm")


def _prune(root: str) -> str:
    tests = " -o ".join(f"-path {shlex.quote(root + p)}" for p in EXCLUDED)
    return f"\\( {tests} \\) -prune -o"


def _starts(root: str, dirs: Sequence[str]) -> str:
    return " ".join(shlex.quote(root + d.rstrip("/") if d != "/" else root or "/") for d in dirs)


def system_command(root: str, dirs: Sequence[str]) -> str:
    """(a): files and non-sticky directories writable by others, in ``dirs``."""
    return (
        f"find {_starts(root, dirs)} -xdev {_prune(root)} ! -type l "
        "\\( -type f -o -type d ! -perm -1000 \\) -perm -0002 -print"
    )


def sticky_command(root: str, dirs: Sequence[str]) -> str:
    """(b): directories writable by others without the sticky bit, from ``dirs``."""
    return (
        f"find {_starts(root, dirs)} -xdev {_prune(root)} -type d -perm -0002 ! -perm -1000 -print"
    )


@dataclass(frozen=True)
class Walk:
    hits: tuple[str, ...]  # logical paths, in output order, allowed ones left out
    denied: int  # "Permission denied" lines: directories find could not read


def _excluded(path: str) -> bool:
    return any(path == e or path.startswith(e + "/") for e in EXCLUDED if e != "/dev") or (
        (path == "/dev" or path.startswith("/dev/"))
        and not (path == "/dev/shm" or path.startswith("/dev/shm/"))
    )


def parse_walk(out: str, err: str, root: str, allow: Sequence[str]) -> Walk:
    hits: list[str] = []
    for line in out.splitlines():
        if not line:
            continue
        path = line[len(root) :] or "/" if root and line.startswith(root) else line
        if _excluded(path) or any(fnmatch.fnmatchcase(path, g) for g in allow):
            continue
        hits.append(path)
    denied = sum(1 for line in err.splitlines() if line.endswith("Permission denied"))
    return Walk(tuple(dict.fromkeys(hits)), denied)
