"""Listening sockets (catalog HOST-010, §8.2-8): ``ss -H -tulnp`` parsed here, ``netstat
-tulnp`` as the fallback, the loopback forms to ignore, and the ``host.listen_allow`` grammar.

``ss`` writes the local address as ``0.0.0.0:22``, ``*:22`` (a dual-stack ``::`` socket),
``[::]:22``, ``127.0.0.53%lo:53`` or ``[fe80::1%eth0]:546``, and the owner as
``users:(("sshd",pid=812,fd=3))``; without root, other users' sockets have no owner.
``netstat`` writes ``:::22`` and ``812/sshd``. Pure functions of text.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pytest_devops_policy.hosts.probe import Host

__all__ = [
    "NETSTAT",
    "SS",
    "AllowRule",
    "Listener",
    "container_ports",
    "in_ports",
    "parse_allow",
    "parse_netstat",
    "parse_ss",
    "read_listeners",
]

SS = "ss -H -tulnp"
NETSTAT = "netstat -tulnp"
_USERS = re.compile(r'\("([^"]*)",pid=(\d+)')


@dataclass(frozen=True)
class Listener:
    proto: str  # tcp, udp
    address: str  # as written, without brackets: 0.0.0.0, *, ::, 127.0.0.53%lo
    port: int
    processes: tuple[str, ...]  # owner names; () when not visible

    @property
    def host_part(self) -> str:
        return self.address.split("%", 1)[0]

    @property
    def loopback(self) -> bool:
        """127.0.0.0/8, ::1, ::ffff:127.x and interface-scoped forms of them."""
        try:
            ip = ipaddress.ip_address(self.host_part)
        except ValueError:
            return self.host_part == "localhost"
        mapped = getattr(ip, "ipv4_mapped", None)
        return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))

    @property
    def shown(self) -> str:
        addr = f"[{self.address}]" if ":" in self.address else self.address
        owner = ",".join(self.processes) or "process not visible"
        return f"{self.proto} {addr}:{self.port} ({owner})"


def _split_address(text: str) -> tuple[str, int] | None:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        return None  # "*:*", a peer column
    host = host.strip("[]")
    if host.startswith("[") or "]%" in host:  # [fe80::1]%eth0
        host = host.replace("[", "").replace("]", "")
    return host, int(port)


def parse_ss(text: str) -> list[Listener]:
    """``ss -H -tulnp`` lines: netid, state, recv-q, send-q, local, peer, [process]."""
    out = []
    for line in text.splitlines():
        words = line.split()
        if len(words) < 6 or words[0] not in ("tcp", "udp"):
            continue
        if words[1] not in ("LISTEN", "UNCONN"):
            continue
        where = _split_address(words[4])
        if where is None:
            continue
        names = tuple(dict.fromkeys(m.group(1) for m in _USERS.finditer(" ".join(words[6:]))))
        out.append(Listener(words[0], where[0], where[1], names))
    return out


def parse_netstat(text: str) -> list[Listener]:
    """``netstat -tulnp``: proto (tcp, tcp6, udp, udp6), queues, local, foreign, [state],
    ``PID/Program`` or ``-``."""
    out = []
    for line in text.splitlines():
        words = line.split()
        if len(words) < 5 or words[0] not in ("tcp", "tcp6", "udp", "udp6"):
            continue
        proto = words[0].rstrip("6")
        rest = words[5:]
        if rest and rest[0].isupper() and "/" not in rest[0]:
            state, rest = rest[0], rest[1:]
            if state != "LISTEN" and proto == "tcp":
                continue
        elif proto == "tcp":
            continue
        where = _split_address(words[3])
        if where is None:
            continue
        owner = rest[0] if rest else "-"
        name = owner.partition("/")[2].split(":", 1)[0].strip()
        out.append(Listener(proto, where[0], where[1], (name,) if name else ()))
    return out


@dataclass(frozen=True)
class AllowRule:
    text: str
    proto: str  # tcp, udp, *
    low: int
    high: int
    glob: str

    def covers_port(self, listener: Listener) -> bool:
        return self.proto in ("*", listener.proto) and self.low <= listener.port <= self.high

    def matches(self, listener: Listener) -> bool | None:
        """Whether the socket is allowed by this rule; ``None`` when its port is covered
        but its owner is not visible and the rule names a process."""
        if not self.covers_port(listener):
            return False
        if self.glob == "*":
            return True
        if not listener.processes:
            return None
        return any(fnmatch.fnmatchcase(p, self.glob) for p in listener.processes)


def parse_allow(entries: Iterable[str]) -> list[AllowRule]:
    """``proto:port[-port]:process-glob`` entries (validated when the option was read)."""
    rules = []
    for entry in entries:
        proto, _, rest = entry.partition(":")
        ports, _, glob = rest.partition(":")
        low, _, high = ports.partition("-")
        rules.append(AllowRule(entry, proto, int(low), int(high or low), glob or "*"))
    return rules


def in_ports(port: int, ranges: Iterable[int | str]) -> bool:
    """Whether ``port`` is one of the ports or ``"lo-hi"`` ranges."""
    for item in ranges:
        low, _, high = str(item).partition("-")
        if low.strip().isdigit() and int(low) <= port <= int(high.strip() or low):
            return True
    return False


_PUBLISH = re.compile(r"(?:\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9a-fA-F:]*\]?):(\d+)(?:-(\d+))?->")


def container_ports(text: str) -> dict[int, str]:
    """Host port -> container name from ``docker ps --format '{{.Names}} {{.Ports}}'``
    (``web 0.0.0.0:8080->80/tcp, :::8080->80/tcp``; a name has no space)."""
    out: dict[int, str] = {}
    for line in text.splitlines():
        name, sep, ports = line.strip().partition(" ")
        if not sep:
            continue
        for m in _PUBLISH.finditer(ports):
            low = int(m.group(1))
            for port in range(low, int(m.group(2) or low) + 1):
                out.setdefault(port, name.strip())
    return out


def read_listeners(host: Host) -> tuple[list[Listener] | None, str]:
    """The host's listening sockets and the command that listed them (``ss``, else
    ``netstat``); ``None`` when neither can. Cached per host (HOST-010 and HOST-011)."""
    cached = host.cache.get("listeners")
    if isinstance(cached, tuple):
        return cached
    found: tuple[list[Listener] | None, str] = (None, "")
    for name, command, parse in (("ss", SS, parse_ss), ("netstat", NETSTAT, parse_netstat)):
        if not host.live or not host.has(name):
            continue
        result = host.run(command)
        if result.ok:
            found = (parse(result.out), command)
            break
    host.cache["listeners"] = found
    return found
