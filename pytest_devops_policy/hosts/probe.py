"""What HOST policies may ask of a host: run a read-only command, read a file, stat paths.

``Probe`` is the small interface a backend implements (testinfra in ``testinfra_probe``, a
fake in the tests). ``CommandProbe`` builds file reads and the batched ``stat`` on ``run``
alone, so a backend only has to run commands. ``Host`` is what a policy receives: the probe,
the facts, the profile and the options, with every path taken under ``root``.
"""

from __future__ import annotations

import fnmatch
import shlex
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pytest_devops_policy.hosts.facts import Facts

if TYPE_CHECKING:
    from pytest_devops_policy.options.host import HostOptions

__all__ = [
    "CommandProbe",
    "CommandResult",
    "FileStat",
    "Host",
    "HostBudgetSpent",
    "NeedsRoot",
    "Probe",
    "TimedOut",
]


@dataclass(frozen=True)
class CommandResult:
    rc: int
    out: str
    err: str
    data: bytes = b""  # stdout as bytes (file contents)

    @property
    def missing(self) -> bool:
        """The command itself is not there (its evidence source is absent)."""
        return self.rc == 127 or "command not found" in self.err or "not found" in self.err[:200]

    @property
    def ok(self) -> bool:
        return self.rc == 0


@dataclass(frozen=True)
class FileStat:
    path: str  # as asked (without root)
    mode: int  # permission bits, e.g. 0o644 (plus setuid/setgid/sticky)
    uid: int
    gid: int
    owner: str
    group: str
    type: str  # "regular file", "directory", ...
    mtime: int = 0  # last modification, seconds since the epoch (package index age, flags)

    @property
    def octal(self) -> str:
        return f"{self.mode:04o}"


class TimedOut(Exception):
    """A command ran past its timeout: its evidence is Unknown."""

    def __init__(self, command: str, seconds: float, still_running: bool = False) -> None:
        more = " (the command may still be running on the host)" if still_running else ""
        super().__init__(f"timed out after {seconds:g} s: {command}{more}")
        self.command = command


class HostBudgetSpent(Exception):
    """The host's time budget (host.budget_seconds) is spent."""


class NeedsRoot(Exception):
    """A decisive read was refused: the item is Unknown, never a pass or a failure."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class Probe(Protocol):
    def run(self, command: str, timeout: float) -> CommandResult: ...

    def read(self, path: str, limit: int, timeout: float) -> bytes | None: ...

    def stat(self, paths: Sequence[str], timeout: float) -> dict[str, FileStat | None]: ...

    def listdir(self, path: str, timeout: float) -> list[str] | None: ...


_READ = (
    "if [ -e {p} ]; then if [ -r {p} ] && [ ! -d {p} ]; then head -c {n} {p}; "
    "elif [ -d {p} ]; then echo 'is a directory' >&2; exit 4; "
    "else echo 'Permission denied' >&2; exit 3; fi; else exit 2; fi"
)


_LIST = (
    "if [ -d {p} ]; then if [ -r {p} ] && [ -x {p} ]; then ls -1A -- {p}; "
    "else echo 'Permission denied' >&2; exit 3; fi; else exit 2; fi"
)


def parse_stat(text: str, root: str) -> dict[str, FileStat]:
    """``stat -Lc '%n|%a|%u|%g|%U|%G|%F|%Y'`` lines; a name may hold ``|``: split from the
    right."""
    out: dict[str, FileStat] = {}
    for line in text.splitlines():
        parts = line.rsplit("|", 7)
        if len(parts) != 8:
            continue
        name, mode, uid, gid, owner, group, kind, mtime = parts
        try:
            stat = FileStat(
                name[len(root) :] if root and name.startswith(root) else name,
                int(mode, 8),
                int(uid),
                int(gid),
                owner,
                group,
                kind,
                int(mtime),
            )
        except ValueError:
            continue
        out[stat.path] = stat
    return out


class CommandProbe:
    """File reads and stats made of commands: what any backend that runs ``sh`` can do."""

    def run(self, command: str, timeout: float) -> CommandResult:
        raise NotImplementedError

    def read(self, path: str, limit: int, timeout: float) -> bytes | None:
        q = shlex.quote(path)
        result = self.run(_READ.format(p=q, n=limit + 1), timeout)
        if result.rc == 2:
            return None
        if result.rc == 3 or "Permission denied" in result.err:
            raise NeedsRoot(f"read {path}")
        if result.rc == 4:
            return None
        return result.data

    def listdir(self, path: str, timeout: float) -> list[str] | None:
        result = self.run(_LIST.format(p=shlex.quote(path)), timeout)
        if result.rc == 2:
            return None
        if result.rc == 3 or "Permission denied" in result.err:
            raise NeedsRoot(f"list {path}")
        return [name for name in result.out.splitlines() if name]

    def stat(self, paths: Sequence[str], timeout: float) -> dict[str, FileStat | None]:
        if not paths:
            return {}
        quoted = " ".join(shlex.quote(p) for p in paths)
        result = self.run(f"stat -Lc '%n|%a|%u|%g|%U|%G|%F|%Y' -- {quoted}", timeout)
        found = parse_stat(result.out, "")
        out: dict[str, FileStat | None] = {}
        for p in paths:
            if p in found:
                out[p] = found[p]
            elif f"'{p}': Permission denied" in result.err or f"{p}: Permission denied" in (
                result.err
            ):
                raise NeedsRoot(f"stat {p}")
            else:
                out[p] = None
        return out


class Host:
    """A live host as HOST policies see it (their subject)."""

    def __init__(
        self,
        label: str,
        probe: Probe,
        facts: Facts,
        profile: str,
        options: HostOptions,
        clock: float | None = None,
    ) -> None:
        self.label = label
        self.probe = probe
        self.facts = facts
        self.profile = profile  # server, container or image (resolved)
        self.options = options
        self.root = options.root.rstrip("/")
        self._started = time.monotonic() if clock is None else clock
        # What a failure names: the commands run and files read, in order (evidence).
        self.evidence: list[str] = []
        # Readings several policies share (the process table...), once per host and run.
        self.cache: dict[str, object] = {}

    # -- for node ids and the docs
    @property
    def line(self) -> int:
        return 1

    @property
    def is_root(self) -> bool:
        return self.facts.root

    @property
    def live(self) -> bool:
        """Commands describe this host (not when a tree under ``root`` is judged)."""
        return self.root == "" and self.profile != "image"

    def path(self, name: str) -> str:
        """The configured path of a named file (``passwd``): what messages show."""
        return self.options.paths[name]

    def _budget(self, timeout: float) -> float:
        left = self.options.budget_seconds - (time.monotonic() - self._started)
        if left <= 0:
            raise HostBudgetSpent(
                f"the host's time budget of {self.options.budget_seconds:g} s "
                "(host.budget_seconds) is spent"
            )
        return min(timeout, left)

    def run(self, command: str, *, slow: bool = False) -> CommandResult:
        """A declared read-only command on the host, under the command timeout."""
        timeout = self.options.slow_command_timeout if slow else self.options.command_timeout
        self.evidence.append(command)
        return self.probe.run(command, self._budget(timeout))

    def has(self, command: str) -> bool:
        return self.facts.has(command)

    def read(self, path: str) -> bytes | None:
        """A file's bytes (at most ``max_read_bytes`` + 1), None when it does not exist;
        ``NeedsRoot`` when it exists but cannot be read."""
        self.evidence.append(path)
        return self.probe.read(
            self.root + path,
            self.options.max_read_bytes,
            self._budget(self.options.command_timeout),
        )

    def read_text(self, path: str) -> str | None:
        data = self.read(path)
        return None if data is None else data.decode("utf-8", "replace")

    def listdir(self, path: str) -> list[str] | None:
        """The names in a directory, sorted (C locale); None when it is not a directory;
        ``NeedsRoot`` when it cannot be listed."""
        self.evidence.append(path)
        names = self.probe.listdir(self.root + path, self._budget(self.options.command_timeout))
        return None if names is None else sorted(names)

    def glob(self, pattern: str) -> list[str]:
        """The paths an absolute shell glob names, in lexical order, as glob(3) gives them
        (``*`` and ``?`` do not match a leading dot; a literal part is not checked)."""
        found = [""]
        parts = [p for p in pattern.split("/") if p]
        for part in parts:
            if not any(c in part for c in "*?["):
                found = [f"{f}/{part}" for f in found]
                continue
            nxt = []
            for directory in found:
                names = self.listdir(directory or "/") or []
                nxt += [
                    f"{directory}/{name}"
                    for name in names
                    if fnmatch.fnmatchcase(name, part)
                    and (part.startswith(".") or not name.startswith("."))
                ]
            found = nxt
        return sorted(found) if any(c in pattern for c in "*?[") else found

    def stat(self, paths: Iterable[str]) -> dict[str, FileStat | None]:
        """One batched ``stat`` of many paths (missing ones map to None)."""
        wanted = list(dict.fromkeys(paths))
        rooted = [self.root + p for p in wanted]
        found = self.probe.stat(rooted, self._budget(self.options.command_timeout))
        return {p: found.get(r) for p, r in zip(wanted, rooted, strict=True)}

    def describe(self) -> Mapping[str, str]:
        f = self.facts
        return {
            "label": self.label,
            "profile": self.profile,
            "os": f.os_name or f.os_id or "unknown",
            "family": f.family,
            "init": f.init,
            "uid": "" if f.uid is None else str(f.uid),
        }
