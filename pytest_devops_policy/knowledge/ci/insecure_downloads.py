"""Insecure downloads in CI steps (GHA-026): a function over a list of steps, so a job's
steps and a composite action's ``runs.steps`` are judged alike.

The facts are DOCKER-011/012's (``knowledge.downloads``): the same TLS-bypass options,
variables and config commands, the same plaintext-URL rule (loopback exempt), the same
"downloaded code executed without a checksum or signature check" detection. This module
only adds what a CI step has and a Dockerfile has not: ``${{ }}`` values, step ``env``,
``$GITHUB_ENV`` (which exports a variable to every later step), PowerShell's
``Invoke-WebRequest``, and service containers reached by name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.github_actions.workflow import Step
from pytest_devops_policy.knowledge.ci.scripts import PLACEHOLDER, RunScript, run_script
from pytest_devops_policy.knowledge.downloads import (
    TLS_BYPASS_VARIABLES,
    assignments,
    command_downloads,
    downloaded_then_run,
    parse_url,
    piped_to_interpreter,
    substituted_into_interpreter,
    tls_bypass,
    tls_bypass_setting,
    verification,
)
from pytest_devops_policy.knowledge.shell import Command

__all__ = [
    "DownloadFinding",
    "env_findings",
    "env_tls_bypass",
    "is_tls_variable",
    "step_download_findings",
]

# PowerShell's download commands (and their aliases); `curl`/`wget` are these in
# Windows PowerShell 5, the real programs elsewhere.
_PWSH_DOWNLOADERS = frozenset({"invoke-webrequest", "iwr", "invoke-restmethod", "irm"})
_PWSH_EVAL = frozenset({"iex", "invoke-expression"})
# Shells whose script this module cannot read as POSIX/PowerShell commands.
_OTHER_LANGUAGES = ("python", "node", "perl", "ruby", "cmd")
# Hosts that are the runner itself.
_LOCAL_HOSTS = frozenset({"0.0.0.0"})


@dataclass(frozen=True)
class DownloadFinding:
    """One insecure download. ``key`` is relative to the step (``("run",)``,
    ``("env", "NAME")``); ``tls`` marks the high findings (TLS bypass, plaintext),
    the others are unverified downloaded code (medium)."""

    step: Step
    key: tuple[PathPart, ...]
    message: str
    tls: bool


def is_tls_variable(name: str) -> bool:
    """A variable that can switch TLS checks off (npm's and yarn's in any case)."""
    return name in TLS_BYPASS_VARIABLES or (
        name.upper().startswith(("NPM_CONFIG_", "YARN_")) and name.upper() in TLS_BYPASS_VARIABLES
    )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def env_tls_bypass(name: str, value: Any) -> str | None:
    """Why ``env: {name: value}`` switches TLS checks off; ``"?"`` when an expression
    decides it; None when it does not."""
    if not is_tls_variable(name):
        return None
    text = _text(value)
    if "${{" in text and name != "GIT_SSL_NO_VERIFY":
        return "?"
    return tls_bypass_setting(name, text)


def _shown(text: str, rs: RunScript) -> str:
    return rs.show(text)


def _command(c: Command, rs: RunScript) -> str:
    return _shown(str(c), rs)


def _plain(url_text: str, local_hosts: frozenset[str]) -> str | None:
    """The scheme of a plaintext URL to a host that is not the runner or a service."""
    url = parse_url(url_text)
    if url is None or not url.plaintext or url.loopback:
        return None
    if url.host in _LOCAL_HOSTS or url.host in local_hosts:
        return None
    return url.scheme


def _script_language(step: Step) -> bool:
    shell = (step.shell or "").strip().lower()
    return not shell.startswith(_OTHER_LANGUAGES)


def _tls_findings(c: Command, rs: RunScript, local_hosts: frozenset[str]) -> Iterator[str]:
    shown = _command(c, rs)
    why = tls_bypass(c)
    if why is not None:
        yield f"'{shown}' {why}"
    name = c.name.lower()
    if name in _PWSH_DOWNLOADERS and any(w.lower() == "-skipcertificatecheck" for w in c.args):
        yield f"'{shown}' skips certificate verification (-SkipCertificateCheck)"
    for d in command_downloads(c):
        scheme = _plain(d.url, local_hosts)
        if scheme is not None:
            yield f"'{shown}' fetches {_shown(d.url, rs)} over plaintext {scheme}://"
    if name in _PWSH_DOWNLOADERS or name in ("curl.exe", "wget.exe"):
        for w in c.args:
            scheme = _plain(w, local_hosts)
            if scheme is not None:
                yield f"'{shown}' fetches {_shown(w, rs)} over plaintext {scheme}://"
    for var, value in assignments(c):
        if not is_tls_variable(var):
            continue
        if PLACEHOLDER.search(value) and var != "GIT_SSL_NO_VERIFY":
            continue  # set from an expression: its value is not known here
        why = tls_bypass_setting(var, value)
        if why is not None:
            yield f"'{shown}' sets {var}={_shown(value, rs)}, which {why}"


def _github_env_findings(rs: RunScript) -> Iterator[str]:
    """``echo "NODE_TLS_REJECT_UNAUTHORIZED=0" >> "$GITHUB_ENV"``: every later step."""
    for w in rs.script.file_writes():
        if "GITHUB_ENV" not in w.path:
            continue
        for line in w.text.splitlines():
            var, sep, value = line.partition("=")
            var = var.strip()
            if not sep or not is_tls_variable(var):
                continue
            if PLACEHOLDER.search(value) and var != "GIT_SSL_NO_VERIFY":
                continue
            why = tls_bypass_setting(var, value.strip())
            if why is not None:
                yield (
                    f"'{_command(w.command, rs)}' exports {var}={_shown(value.strip(), rs)} "
                    f"to every later step through $GITHUB_ENV, which {why}"
                )


_UNVERIFIED = "without a checksum or signature check in the same step"


def _execution_findings(rs: RunScript) -> Iterator[str]:
    """Downloaded code executed unverified: piped, substituted, or saved then run."""
    script = rs.script
    if verification(script.commands) is not None:
        return
    for d, runner in piped_to_interpreter(script):
        yield f"'{_command(d.command, rs)} | {runner.name}' runs {_shown(d.url, rs)} {_UNVERIFIED}"
    seen: set[str] = set()
    for c in script.commands:
        for d in substituted_into_interpreter(c):
            if d.url not in seen:
                seen.add(d.url)
                yield f"'{_command(c, rs)}' runs what {_shown(d.url, rs)} returns {_UNVERIFIED}"
    for d, runner in downloaded_then_run(script.commands):
        yield (
            f"'{_command(runner, rs)}' runs {d.output}, downloaded from {_shown(d.url, rs)}, "
            f"{_UNVERIFIED}"
        )
    for pipeline in script.pipelines():
        names = [c.name.lower() for c in pipeline]
        for i, name in enumerate(names):
            if name in _PWSH_DOWNLOADERS and any(n in _PWSH_EVAL for n in names[i + 1 :]):
                yield f"'{_command(pipeline[i], rs)} | iex' runs the download {_UNVERIFIED}"
                break


def step_download_findings(
    steps: Sequence[Step], local_hosts: frozenset[str] = frozenset()
) -> Iterator[DownloadFinding | tuple[Step, str]]:
    """Insecure downloads in ``steps`` (their ``run`` scripts and step ``env``).

    ``local_hosts`` are host names that reach the runner's own network (a job's
    service containers). A ``(step, reason)`` pair is a value that cannot be known
    statically (an expression setting a TLS variable).
    """
    hosts = frozenset(h.lower() for h in local_hosts)
    for step in steps:
        for name, value in step.env.items():
            why = env_tls_bypass(str(name), value)
            if why == "?":
                yield step, f"{step.label} sets {name} from an expression ({value})"
            elif why is not None:
                message = f"{step.label} sets {name}: {_text(value)} in its env, which {why}"
                yield DownloadFinding(step, ("env", name), message, True)
        if step.run is None or not _script_language(step):
            continue
        rs = run_script(step.run)
        for c in rs.script.commands:
            for text in _tls_findings(c, rs, hosts):
                yield DownloadFinding(step, ("run",), f"{step.label}: {text}", True)
        for text in _github_env_findings(rs):
            yield DownloadFinding(step, ("run",), f"{step.label}: {text}", True)
        for text in _execution_findings(rs):
            yield DownloadFinding(step, ("run",), f"{step.label}: {text}", False)


def env_findings(env: Mapping[str, Any], who: str) -> Iterator[tuple[str, str | None]]:
    """(name, message) for each TLS-bypassing entry of a workflow or job ``env``
    (``who`` sets it: "the workflow", "job 'x'"); None when an expression decides it."""
    for name, value in env.items():
        why = env_tls_bypass(str(name), value)
        if why == "?":
            yield str(name), None
        elif why is not None:
            yield str(name), f"{who} sets {name}: {_text(value)} in its env, which {why}"
