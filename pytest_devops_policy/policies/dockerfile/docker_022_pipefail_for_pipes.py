"""DOCKER-022: a RUN with a pipeline fails when any stage of the pipeline fails."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile
from pytest_devops_policy.knowledge.docker.run import RunScript, run_scripts
from pytest_devops_policy.knowledge.shell import Command, Script, parse_script, pipefail_setting
from pytest_devops_policy.options import DockerOptions


def _first_unprotected(script: Script, pipefail: bool) -> Command | None:
    """The first pipeline of this shell process that runs without pipefail (commands of
    ``sh -c`` scripts it starts run in other processes and are checked on their own)."""
    for c in script.commands:
        if c.wrapped_by is not None:
            continue
        if c.name == "set":
            setting = pipefail_setting(c.args)
            pipefail = pipefail if setting is None else setting
        elif c.piped and c.position == 0 and not pipefail:
            return c
    return None


def _shell_options(argv: Sequence[str]) -> bool:
    """``bash -o pipefail -c``, ``["/bin/ash", "-eo", "pipefail", "-c"]``: on from the start."""
    return pipefail_setting(argv[1:]) is True


def _finding(rs: RunScript) -> tuple[int, str] | None:
    for index, (script, first) in enumerate(rs.parts):
        runner = rs.interpreters[index] if index < len(rs.interpreters) else rs.shell
        if runner:  # exec form has no shell of its own
            c = _first_unprotected(script, _shell_options(runner))
            if c is not None:
                line = first + c.line
                return line, rs.shown_pipeline(c, line)
        # sh -c '...' / bash -o pipefail -c '...': a new shell, with its own options
        for outer in script.commands:
            inner = outer.shell_script()
            if inner is None:
                continue
            c = _first_unprotected(parse_script(inner), _shell_options(outer.words))
            if c is not None:
                line = first + outer.line + c.line
                return line, rs.shown(outer, first + outer.line)
    return None


@policy(
    id="DOCKER-022",
    name="pipefail-for-pipes",
    title="RUN steps with a pipeline must set pipefail",
    severity=Severity.LOW,
    rationale=(
        "A shell pipeline's exit status is that of its last command: in RUN curl -fsSL URL | "
        "tar -xz, a failed download (404, TLS error, timeout) still exits 0 once tar has read "
        "the empty stream, so the build goes on with a missing or truncated file and fails "
        "later, somewhere confusing, or ships a broken image. With pipefail the RUN fails "
        "where the failure happened."
    ),
    remediation=(
        'Set SHELL ["/bin/bash", "-o", "pipefail", "-c"] before the RUN (it is inherited '
        "by later stages built FROM this one), or start the RUN with set -o pipefail && ... "
        "(set -euo pipefail at the top of a heredoc script). A pipeline inside sh -c '...' "
        "needs its own set -o pipefail. Old /bin/sh implementations (dash before 0.5.11, "
        "BusyBox ash in very old Alpine) reject set -o pipefail: use bash there, or SHELL "
        '["/bin/ash", "-eo", "pipefail", "-c"] on Alpine.'
    ),
    references=("hadolint:DL4006",),
    example="""\
FROM debian:12.5-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
RUN curl -fsSL https://downloads.example.com/tool-1.4.2.tgz | tar -xz -C /opt
""",
    use_instead="""\
FROM debian:12.5-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
RUN curl -fsSL https://downloads.example.com/tool-1.4.2.tgz | tar -xz -C /opt
""",
)
def pipefail_for_pipes(dockerfile: Dockerfile, context: Context) -> Iterator[Violation]:
    build_args = context.options(DockerOptions).build_args
    for rs in run_scripts(dockerfile, build_args):
        if not rs.posix:
            continue  # PowerShell and cmd have no pipefail; their pipelines differ anyway
        found = _finding(rs)
        if found is not None:
            line, shown = found
            yield Violation(
                rs.instruction.mark(
                    f"RUN {shown} (line {line}) has a pipeline but no pipefail: a failure "
                    "before the last command is ignored"
                ),
                line=line,
            )
