"""A fake live host for HOST policy tests: files, stats and command outputs from dicts.

No subprocess and no testinfra: ``FakeProbe`` answers the ``Probe`` interface the policies
use, and ``fake_host`` wraps it in the ``Host`` subject with given facts and options.
"""

from __future__ import annotations

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

    def run(self, command: str, timeout: float) -> CommandResult:
        self.ran.append(command)
        answer = self.commands.get(command)
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

    def stat(self, paths: Sequence[str], timeout: float) -> dict[str, FileStat | None]:
        out: dict[str, FileStat | None] = {}
        for p in paths:
            value = self.stats.get(p)
            if value is DENIED:  # as the real batch: the first refused path stops it
                raise NeedsRoot(f"stat {p}")
            out[p] = value
        return out

    def listdir(self, path: str, timeout: float) -> list[str] | None:
        """The directory's entries, from the paths in ``files`` (DENIED on it: unlistable)."""
        base = path.rstrip("/")
        if self.files.get(base) is DENIED:
            raise NeedsRoot(f"list {path}")
        names = {p[len(base) + 1 :].split("/")[0] for p in self.files if p.startswith(base + "/")}
        return sorted(names) if names else None


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
