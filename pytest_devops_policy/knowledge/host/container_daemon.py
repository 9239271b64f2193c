"""Where a container daemon's API listens (catalog HOST-011): dockerd's ``-H``/``--host``
values and TLS flags from an argv, ``daemon.json``, a unit's ``ExecStart``, the
``DOCKER_OPTS``/``OPTIONS`` of ``/etc/default/docker`` and ``/etc/sysconfig/docker``,
``podman system service`` endpoints and containerd's ``[grpc] tcp_address``. Pure functions
of text.
"""

from __future__ import annotations

import ipaddress
import json
import shlex
import sys
from dataclasses import dataclass
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "DaemonConfig",
    "Endpoint",
    "containerd_tcp",
    "daemon_json",
    "dockerd_flags",
    "exec_start",
    "group_members",
    "podman_service_endpoints",
    "shell_var",
    "tcp_endpoint",
]


@dataclass(frozen=True)
class Endpoint:
    text: str  # as configured: tcp://0.0.0.0:2375
    address: str  # "" means every address
    port: int | None

    @property
    def loopback(self) -> bool:
        if self.address == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.address).is_loopback
        except ValueError:
            return False


def tcp_endpoint(value: str) -> Endpoint | None:
    """``tcp://host:port`` (also ``tcp:host:port``, podman's form); None for ``unix://``,
    ``fd://``, ``npipe://`` and anything else that is not TCP."""
    text = value.strip()
    if text.startswith("tcp://"):
        rest = text[6:]
    elif text.startswith("tcp:"):
        rest = text[4:]
    else:
        return None
    rest = rest.split("/", 1)[0]
    if rest.startswith("["):  # [::1]:2375
        host, _, port = rest[1:].partition("]")
        port = port.lstrip(":")
    else:
        host, _, port = rest.rpartition(":") if ":" in rest else (rest, "", "")
    return Endpoint(text, host, int(port) if port.isdigit() else None)


@dataclass
class DaemonConfig:
    """What one source says: API endpoints and TLS settings (None: not said)."""

    hosts: list[str]
    tlsverify: bool | None = None
    tlscacert: str | None = None


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("", "1", "true", "yes")


def dockerd_flags(command_line: str) -> DaemonConfig:
    """``-H``/``--host``, ``--tlsverify`` and ``--tlscacert`` from a dockerd command line
    (``-H tcp://x``, ``-H=tcp://x``, ``-Htcp://x``, ``--host x``, ``--host=x``)."""
    try:
        words = shlex.split(command_line)
    except ValueError:
        words = command_line.split()
    found = DaemonConfig([])
    i = 0
    while i < len(words):
        word = words[i]
        name, eq, value = word.partition("=")
        if word in ("-H", "--host") and i + 1 < len(words):
            found.hosts.append(words[i + 1])
            i += 1
        elif name in ("-H", "--host") and eq:
            found.hosts.append(value)
        elif word.startswith("-H") and not word.startswith("--") and len(word) > 2:
            found.hosts.append(word[2:])
        elif name == "--tlsverify":
            found.tlsverify = _truthy(value) if eq else True
        elif word == "--tlscacert" and i + 1 < len(words):
            found.tlscacert = words[i + 1]
            i += 1
        elif name == "--tlscacert" and eq:
            found.tlscacert = value
        i += 1
    return found


def daemon_json(text: str) -> DaemonConfig | None:
    """``/etc/docker/daemon.json``: ``hosts``, ``tlsverify``, ``tlscacert``; None when it is
    not a JSON object."""
    try:
        doc: Any = json.loads(text) if text.strip() else {}
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    hosts = doc.get("hosts", [])
    if isinstance(hosts, str):
        hosts = [hosts]
    verify = doc.get("tlsverify")
    ca = doc.get("tlscacert")
    return DaemonConfig(
        [str(h) for h in hosts if isinstance(h, str)] if isinstance(hosts, list) else [],
        verify if isinstance(verify, bool) else None,
        ca if isinstance(ca, str) else None,
    )


def exec_start(unit_text: str) -> str:
    """The effective ``ExecStart=`` of ``systemctl cat`` output (the unit, then its drop-ins;
    an empty ``ExecStart=`` resets the list, continuation lines are joined)."""
    lines: list[str] = []
    pending = ""
    for raw in unit_text.splitlines():
        line = pending + raw.strip()
        if line.endswith("\\"):
            pending = line[:-1].rstrip() + " "
            continue
        pending = ""
        lines.append(line)
    current = ""
    for line in lines:
        key, sep, value = line.partition("=")
        if sep and key.strip() == "ExecStart":
            current = value.strip().lstrip("-@:+!")  # systemd's prefixes
    return current


def shell_var(text: str, name: str) -> str:
    """``NAME="value"`` from a sourced shell file (the last assignment wins)."""
    value = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("export "):
            stripped = stripped[7:].strip()
        key, sep, rest = stripped.partition("=")
        if sep and key == name:
            try:
                words = shlex.split(rest, comments=True)
            except ValueError:
                words = [rest.strip("\"'")]
            value = " ".join(words)
    return value


def podman_service_endpoints(command_line: str) -> list[str]:
    """The TCP URIs of ``podman system service [options] URI``."""
    words = command_line.split()
    if "system" not in words or "service" not in words:
        return []
    return [w for w in words if w.startswith("tcp:")]


def containerd_tcp(text: str) -> tuple[str, bool] | None:
    """(``[grpc] tcp_address``, client certificates verified: ``tcp_tls_ca`` set), None when
    containerd has no TCP address or the file is not TOML."""
    try:
        doc = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    grpc = doc.get("grpc")
    if not isinstance(grpc, dict):
        return None
    address = grpc.get("tcp_address")
    if not isinstance(address, str) or not address.strip():
        return None
    return address.strip(), bool(grpc.get("tcp_tls_ca"))


def group_members(group_text: str, passwd_text: str, group: str) -> list[str]:
    """Members of ``group``: its member list in /etc/group, and accounts whose primary group
    it is in /etc/passwd."""
    gid = None
    members: list[str] = []
    for line in group_text.splitlines():
        fields = line.split(":")
        if len(fields) >= 4 and fields[0] == group:
            gid = fields[2]
            members += [m.strip() for m in fields[3].split(",") if m.strip()]
    if gid is not None:
        for line in passwd_text.splitlines():
            fields = line.split(":")
            if len(fields) >= 4 and fields[3] == gid:
                members.append(fields[0])
    return list(dict.fromkeys(members))
