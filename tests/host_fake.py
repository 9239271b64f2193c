"""A fake live host for HOST policy tests: files, stats and command outputs from dicts.

No subprocess and no testinfra: ``FakeProbe`` answers the ``Probe`` interface the policies
use, and ``fake_host`` wraps it in the ``Host`` subject with given facts and options.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pytest_devops_policy.hosts.facts import Facts
from pytest_devops_policy.hosts.probe import CommandResult, FileStat, Host, NeedsRoot, TimedOut
from pytest_devops_policy.options import HostOptions, build

DENIED = object()  # a file that exists but cannot be read


@dataclass
class FakeProbe:
    files: Mapping[str, str | bytes | object] = field(default_factory=dict)
    stats: Mapping[str, FileStat | object] = field(default_factory=dict)  # or DENIED
    # command -> (rc, stdout, stderr), or "timeout"; unknown commands exit 127
    commands: Mapping[str, tuple[int, str, str] | str] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)
    # the mtime of the files given without a stat: "just written"
    now: int = field(default_factory=lambda: int(time.time()))

    def run(self, command: str, timeout: float) -> CommandResult:
        self.ran.append(command)
        answer = self.commands.get(command)
        if answer is None and command.startswith("ls -1A -- "):
            answer = self._listing(shlex.split(command)[-1])
        if answer is None:
            return CommandResult(127, "", f"sh: 1: {command.split()[0]}: not found")
        if answer == "timeout":
            raise TimedOut(command, timeout)
        assert not isinstance(answer, str)
        rc, out, err = answer
        return CommandResult(rc, out, err, out.encode())

    def read(self, path: str, limit: int, timeout: float) -> bytes | None:
        value = self.files.get(path)
        if value is None:
            return None
        if value is DENIED:
            raise NeedsRoot(f"read {path}")
        data = value if isinstance(value, bytes) else str(value).encode()
        return data[: limit + 1]

    def _listing(self, directory: str) -> tuple[int, str, str]:
        """``ls -1A`` of a directory made of the given files and stats (knowledge/host/listing)."""
        prefix = directory.rstrip("/") + "/"
        names = {
            p[len(prefix) :].split("/")[0]
            for p in [*self.files, *self.stats]
            if p.startswith(prefix) and len(p) > len(prefix)
        }
        if not names and directory not in self.stats:
            return (2, "", f"ls: cannot access '{directory}': No such file or directory")
        return (0, "".join(f"{n}\n" for n in sorted(names)), "")

    def listdir(self, path: str, timeout: float) -> list[str] | None:
        """A directory's entries: an ``ls -1A -- DIR`` answer given in ``commands``, else the
        paths in ``files`` and ``stats`` under it (DENIED on the directory: unlistable)."""
        base = path.rstrip("/")
        if self.files.get(base) is DENIED:
            raise NeedsRoot(f"list {path}")
        for form in (base, base + "/", shlex.quote(base), shlex.quote(base + "/")):
            answer = self.commands.get(f"ls -1A -- {form}")
            if isinstance(answer, tuple):
                rc, out, err = answer
                if "Permission denied" in err:
                    raise NeedsRoot(f"list {path}")
                return sorted(n for n in out.splitlines() if n) if rc == 0 else None
        rc, out, _ = self._listing(base or "/")
        return sorted(out.split()) if rc == 0 else None

    def stat(self, paths: Sequence[str], timeout: float) -> dict[str, FileStat | None]:
        """The given stats; a file given by its content alone is a root-owned regular file
        written just now (``now``), and the parents of given paths are directories."""
        out: dict[str, FileStat | None] = {}
        for p in paths:
            if p in self.stats:
                value = self.stats[p]
                if value is DENIED:  # as the real batch: the first refused path stops it
                    raise NeedsRoot(f"stat {p}")
                assert isinstance(value, FileStat)
                out[p] = value
            elif p in self.files:
                mode = 0o640 if self.files[p] is DENIED else 0o644
                out[p] = FileStat(p, mode, 0, 0, "root", "root", "regular file", self.now)
            elif any(f.startswith(p.rstrip("/") + "/") for f in self.files):
                out[p] = FileStat(p, 0o755, 0, 0, "root", "root", "directory", self.now)
            else:
                out[p] = None
        return out


def file_stat(
    path: str,
    *,
    mode: int = 0o644,
    kind: str = "regular file",
    mtime: int | None = None,
    age_days: float = 0,
    uid: int = 0,
    owner: str = "root",
) -> FileStat:
    """A stat for ``FakeProbe.stats``: modified ``age_days`` ago unless ``mtime`` is given."""
    when = mtime if mtime is not None else int(time.time() - age_days * 86400)
    return FileStat(path, mode, uid, uid, owner, owner, kind, when)


def fake_host(
    probe: FakeProbe,
    *,
    uid: int = 0,
    profile: str = "server",
    os_id: str = "debian",
    init: str = "systemd",
    commands: Sequence[str] = (),
    options: Mapping[str, object] | None = None,
) -> Host:
    facts = Facts(
        uid=uid,
        os_id=os_id,
        init=init,
        commands=frozenset(commands),
        timeout="gnu",
        complete=True,
    )
    opts = build(HostOptions, dict(options or {}))
    return Host("fake", probe, facts, profile, opts)
