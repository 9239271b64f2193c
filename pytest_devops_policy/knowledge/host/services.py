"""Is a service running? The one reader of service state for every HOST policy (§8.2-5).

testinfra's ``service(...).is_running`` answers False on a host without systemd (it falls back
to SysV ``service``), which would turn "cannot tell" into a failure. So the state is read by
init system: ``systemctl`` with systemd, ``rc-service`` with OpenRC, and the process table
otherwise. Process names match on the full argv, because ``comm`` is cut at 15 characters
(``prometheus-node``). ``None`` always means "cannot tell", never "not running".
"""

from __future__ import annotations

import fnmatch
import os
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pytest_devops_policy.hosts.probe import Host

__all__ = [
    "Process",
    "matching_processes",
    "openrc_running",
    "processes",
    "running",
    "unit_state",
]

PS = "ps -eo pid=,args="
# The process table without ps (distroless, BusyBox without -o): argv from /proc.
PROC_CMDLINES = (
    'for d in /proc/[0-9]*; do [ -r "$d/cmdline" ] || continue; '
    "a=$(tr '\\000' ' ' < \"$d/cmdline\" 2>/dev/null); "
    '[ -n "$a" ] && echo "${d#/proc/} $a"; done'
)


@dataclass(frozen=True)
class Process:
    pid: int
    args: str  # the full command line

    @property
    def argv0(self) -> str:
        first = self.args.split(" ", 1)[0]
        return os.path.basename(first.rstrip(":"))

    def matches(self, name: str) -> bool:
        """``name`` is the program (argv[0]'s base name, glob allowed) or, for interpreters
        (java -jar, python -m), a word of the command line."""
        if fnmatch.fnmatchcase(self.argv0, name):
            return True
        words = self.args.split()
        return any(fnmatch.fnmatchcase(os.path.basename(w), name) for w in words[1:4])


def _parse(text: str) -> list[Process]:
    out = []
    for line in text.splitlines():
        pid, _, args = line.strip().partition(" ")
        if pid.isdigit() and args.strip():
            out.append(Process(int(pid), args.strip()))
    return out


def processes(host: Host) -> list[Process] | None:
    """Every process of the host (``None``: the table cannot be read). Cached per host."""
    if "processes" in host.cache:
        cached = host.cache["processes"]
        return cached if isinstance(cached, list) else None
    found: list[Process] | None = None
    if host.live:
        result = host.run(PS)
        if result.ok and result.out.strip():
            found = _parse(result.out)
        else:
            result = host.run(PROC_CMDLINES)
            if result.ok and result.out.strip():
                found = _parse(result.out)
    host.cache["processes"] = found
    return found


def matching_processes(host: Host, names: Iterable[str]) -> list[Process] | None:
    table = processes(host)
    if table is None:
        return None
    wanted = list(names)
    return [p for p in table if any(p.matches(n) for n in wanted)]


def unit_state(host: Host, unit: str) -> str | None:
    """systemd's ``is-active`` answer (active, inactive, failed...), or None without
    systemd or when systemctl cannot be asked."""
    if host.facts.init != "systemd" or not host.live or not host.has("systemctl"):
        return None
    result = host.run(f"systemctl is-active -- {shlex.quote(unit)}")
    state = result.out.strip().splitlines()[0] if result.out.strip() else ""
    return state or None


def openrc_running(host: Host, service: str) -> bool | None:
    if host.facts.init != "openrc" or not host.live:
        return None
    result = host.run(f"rc-service {shlex.quote(service)} status")
    if result.missing:
        return None
    return "started" in result.out


def running(host: Host, units: Sequence[str], process_names: Sequence[str]) -> bool | None:
    """Whether any of the services runs: a unit active (systemd), an OpenRC service started,
    or a matching process. ``None`` when none of these can be read."""
    known = False
    for unit in units:
        state = unit_state(host, unit)
        if state == "active":
            return True
        if state is not None:
            known = True
        started = openrc_running(host, unit.removesuffix(".service"))
        if started:
            return True
        if started is not None:
            known = True
    procs = matching_processes(host, process_names)
    if procs:
        return True
    if procs is not None:
        known = True
    return False if known else None
