"""The one adapter to pytest-testinfra (catalog §8.1, §8.2-3).

Everything the HOST policies need goes through ``run``: testinfra gives the connection
(local, ssh, paramiko, docker, podman, kubectl, ansible, chroot...), this module gives the
bounds. testinfra's local runner waits with no timeout, so each command is wrapped in the
host's ``timeout`` (found by the facts probe), or, on a host without one, waited for in a
thread for as long as the timeout allows. Another backend could replace this module alone.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Mapping
from typing import Any

from pytest_devops_policy.hosts.facts import PATH_PREFIX
from pytest_devops_policy.hosts.probe import CommandProbe, CommandResult, TimedOut
from pytest_devops_policy.hosts.spec import HostSpec

__all__ = ["MISSING_EXTRA", "TestinfraProbe", "testinfra_available"]

MISSING_EXTRA = (
    "HOST policies need the 'host' extra: pip install 'pytest-devops-policy[host]' "
    "(it adds pytest-testinfra)"
)
# Exit statuses of a command that ``timeout`` stopped (coreutils 124; killed by -k: 137;
# BusyBox sends TERM: 143).
_TIMED_OUT = frozenset({124, 137, 143})


def testinfra_available() -> bool:
    try:
        import testinfra  # noqa: F401
    except ImportError:
        return False
    return True


class TestinfraProbe(CommandProbe):
    __test__ = False  # not a test class, whatever pytest's python_classes say

    def __init__(self, spec: HostSpec, connect_timeout: float, options: Mapping[str, Any]):
        import testinfra

        kwargs: dict[str, Any] = {k: v for k, v in options.items() if v not in (None, False)}
        if spec.scheme in ("ssh", "paramiko") and "timeout=" not in spec.spec:
            kwargs.setdefault("timeout", int(connect_timeout))
        if spec.scheme == "chroot":
            self._host = testinfra.get_host(spec.host, connection="chroot", **kwargs)
        else:
            self._host = testinfra.get_host(spec.spec, **kwargs)
        self.timeout_flavour = ""  # set from the facts probe

    def _wrapped(self, command: str, seconds: float) -> str:
        n = max(1, int(seconds + 0.999))
        if self.timeout_flavour == "gnu":
            return f"{PATH_PREFIX}timeout -k 5 {n} /bin/sh -c {shlex.quote(command)}"
        if self.timeout_flavour == "busybox":
            return f"{PATH_PREFIX}timeout -t {n} /bin/sh -c {shlex.quote(command)}"
        return PATH_PREFIX + command

    def run(self, command: str, timeout: float) -> CommandResult:
        full = self._wrapped(command, timeout)
        if self.timeout_flavour:
            result = self._host.run(full)
            if result.rc in _TIMED_OUT:
                raise TimedOut(command, timeout)
            return _result(result)
        # No timeout on the host: wait for the call in a thread, as long as allowed.
        box: dict[str, Any] = {}

        def call() -> None:
            try:
                box["result"] = self._host.run(full)
            except BaseException as exc:  # handed to the waiting thread
                box["error"] = exc

        worker = threading.Thread(target=call, daemon=True, name="devops-policy-host")
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            raise TimedOut(command, timeout, still_running=True)
        if "error" in box:
            raise box["error"]
        return _result(box["result"])


def _result(result: Any) -> CommandResult:
    data: bytes = result.stdout_bytes
    err: bytes = result.stderr_bytes
    return CommandResult(
        int(result.rc),
        data.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        data,
    )
