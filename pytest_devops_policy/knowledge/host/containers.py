"""The container CLIs of a host (docker, podman) and loopback URLs fetched on it with curl,
as HOST-019, HOST-021 and HOST-022 read them.

A CLI is *usable* when it answers; "permission denied" on the daemon socket (not root, not
in the ``docker`` group) leaves the containers unknown, while a daemon that is not running
has no containers to judge.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from pytest_devops_policy.hosts.probe import CommandResult, Host

__all__ = ["CLIS", "CliAnswer", "curl_command", "fetch", "lines", "run_cli"]

CLIS = ("docker", "podman")


@dataclass(frozen=True)
class CliAnswer:
    result: CommandResult | None  # None: the CLI cannot be used here
    denied: bool = False  # permission denied on the daemon socket
    why: str = ""


def run_cli(host: Host, command: str) -> CliAnswer:
    """Run a ``docker …``/``podman …`` command (its first word names the CLI)."""
    cli = command.split()[0]
    if not host.live or not host.has(cli):
        return CliAnswer(None, why=f"no {cli} CLI")
    result = host.run(command)
    if result.ok:
        return CliAnswer(result)
    first = (result.err.strip().splitlines() or [f"exit status {result.rc}"])[0]
    if "permission denied" in result.err.lower():
        return CliAnswer(None, denied=True, why=first)
    return CliAnswer(None, why=first)  # daemon down, or the CLI is broken


def lines(result: CommandResult | None) -> list[str]:
    return [] if result is None else [x.strip() for x in result.out.splitlines() if x.strip()]


def curl_command(url: str) -> str:
    return f"curl -fsS -m 5 -o /dev/null -w '%{{http_code}}' {shlex.quote(url)}"


def fetch(host: Host, url: str) -> tuple[bool | None, str]:
    """(True, status) on a 2xx/3xx answer, (False, why) otherwise, (None, why) when curl is
    not there. ``-f`` makes curl exit 22 on a status of 400 or more."""
    result = host.run(curl_command(url))
    if result.missing:
        return None, "curl is not installed on the host"
    status = result.out.strip()[-3:]
    if result.ok:
        return True, status
    if result.rc == 22:
        return False, f"HTTP {status}"
    return False, (result.err.strip().splitlines() or [f"curl exit status {result.rc}"])[0]
