"""Where a Dockerfile HEALTHCHECK looks: the local port (and path) it probes (XREF-011).

Read from the command words (quote-aware, ``sh -c`` and wrappers looked through), for:

* ``curl`` / ``wget``: a URL (with or without ``http(s)://``) whose host is the container
  itself (``localhost``, ``127.0.0.1``, ``0.0.0.0``, ``[::1]``) and whose port is a literal;
* ``nc -z HOST PORT`` (netcat's port scan: the listening check);
* ``grpc_health_probe -addr=[HOST]:PORT``.

A URL without a port (``http://localhost/``), a port from a variable, another host, or any
other tool gives no target: the catalog judges only literal, local ports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pytest_devops_policy.knowledge.shell import Command, parse_argv, parse_script

__all__ = ["LOCAL_HOSTS", "HealthTarget", "healthcheck_targets"]

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", ""})
_URL = re.compile(
    r"^(?:(?P<scheme>https?)://)?(?P<host>localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])"
    r"(?::(?P<port>[0-9]{1,5}))?(?P<path>[/?#][^\s]*)?$",
    re.I,
)
_NC_VALUED = frozenset({"-w", "-i", "-p", "-s", "-q", "-W", "-X", "-x", "-O", "-I", "-T", "-V"})
_GRPC_ADDR = re.compile(r"^--?addr(?:=(.*))?$")


@dataclass(frozen=True)
class HealthTarget:
    tool: str  # curl | wget | nc | grpc_health_probe
    host: str
    port: int
    path: str | None  # curl/wget only; "/" when the URL has none

    def as_json(self) -> dict[str, object]:
        return {"tool": self.tool, "host": self.host, "port": self.port, "path": self.path}


def _port(text: str) -> int | None:
    if text.isascii() and text.isdigit() and 0 < int(text) < 65536:
        return int(text)
    return None


def _url_targets(tool: str, args: Iterable[str]) -> list[HealthTarget]:
    out = []
    for word in args:
        m = _URL.match(word)
        if m is None or m.group("port") is None:
            continue
        port = _port(m.group("port"))
        if port is None:
            continue
        path = m.group("path") or "/"
        path = path if path.startswith("/") else "/" + path
        out.append(HealthTarget(tool, m.group("host").lower(), port, path.split("#")[0]))
    return out


def _nc(command: Command) -> list[HealthTarget]:
    args = command.args
    if not any(a.startswith("-") and not a.startswith("--") and "z" in a for a in args):
        return []
    positionals: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in _NC_VALUED:
            i += 2
            continue
        if not a.startswith("-"):
            positionals.append(a)
        i += 1
    if len(positionals) != 2 or positionals[0].lower() not in LOCAL_HOSTS:
        return []
    port = _port(positionals[1])
    return [HealthTarget("nc", positionals[0].lower(), port, None)] if port else []


def _grpc(command: Command) -> list[HealthTarget]:
    args = command.args
    for i, a in enumerate(args):
        m = _GRPC_ADDR.match(a)
        if m is None:
            continue
        value = m.group(1) if m.group(1) is not None else (args[i + 1] if i + 1 < len(args) else "")
        host, sep, port_text = value.rpartition(":")
        port = _port(port_text) if sep else None
        if port is not None and host.lower() in LOCAL_HOSTS:
            return [HealthTarget("grpc_health_probe", host.lower() or "localhost", port, None)]
    return []


def _targets(commands: Iterable[Command]) -> list[HealthTarget]:
    out: list[HealthTarget] = []
    for command in commands:
        name = command.name
        if name in ("curl", "wget"):
            out.extend(_url_targets(name, command.args))
        elif name in ("nc", "ncat", "netcat"):
            out.extend(_nc(command))
        elif name == "grpc_health_probe":
            out.extend(_grpc(command))
    seen: list[HealthTarget] = []
    for t in out:
        if t not in seen:
            seen.append(t)
    return seen


def healthcheck_targets(words: Sequence[str] | None, text: str | None = None) -> list[HealthTarget]:
    """The local targets of a HEALTHCHECK CMD: exec-form ``words`` or shell-form ``text``."""
    if words is not None:
        return _targets(parse_argv(list(words)).commands) if words else []
    if text:
        return _targets(parse_script(text).commands)
    return []
