"""DOCKER-018: the shipped CMD and ENTRYPOINT use exec form, so PID 1 gets SIGTERM."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import (
    Dockerfile,
    Instruction,
    json_form_hint,
)
from pytest_devops_policy.options import DockerOptions

# Init processes that forward signals to their child and reap zombies. As an exec-form
# ENTRYPOINT they are PID 1, so the command they start may be anything, shell form
# included (the catalog's exception).
_INITS = frozenset({"tini", "tini-static", "dumb-init", "catatonit", "docker-init"})
_S6_INIT = "/init"  # s6-overlay installs its init as /init
_POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})


def _program(word: str) -> str:
    return word.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")


def _is_init(ins: Instruction) -> bool:
    argv = ins.exec_form or ()
    return bool(argv) and (argv[0] == _S6_INIT or _program(argv[0]) in _INITS)


def _segments(command: str) -> list[str]:
    """Top-level ``&&`` / ``;`` / newline separated parts, quotes respected.

    A ``|``, ``||`` or ``&`` outside quotes makes the last part run in a pipeline, a
    conditional or the background, so it is then reported as the empty last part.
    """
    parts: list[str] = []
    cur: list[str] = []
    quote = ""
    i, n = 0, len(command)
    while i < n:
        c = command[i]
        if quote:
            if c == "\\" and quote == '"' and i + 1 < n:
                cur.append(command[i : i + 2])
                i += 2
                continue
            if c == quote:
                quote = ""
            cur.append(c)
        elif c == "\\" and i + 1 < n:
            cur.append(command[i : i + 2])
            i += 2
            continue
        elif c in "'\"":
            quote = c
            cur.append(c)
        elif command.startswith("&&", i):
            parts.append("".join(cur))
            cur = []
            i += 2
            continue
        elif c in ";\n":
            parts.append("".join(cur))
            cur = []
        elif c == "&" and (command[i - 1 : i] == ">" or command[i + 1 : i + 2] == ">"):
            cur.append(c)  # 2>&1, &>file: redirections, not a background job
        elif c in "|&":
            return [*parts, ""]
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return [p for p in parts if p.strip()] or [""]


def _execs(ins: Instruction, shell: tuple[str, ...]) -> bool:
    """Shell form that replaces the shell with the program: ``exec node server.js``, or
    ``cd /app && exec node server.js`` (the shell is PID 1 only until the exec)."""
    if not shell or _program(shell[0]) not in _POSIX_SHELLS:
        return False  # cmd and PowerShell have no exec: the shell stays PID 1
    last = _segments(ins.args)[-1].split()
    return bool(last) and last[0] == "exec" and len(last) > 1


def _describe(ins: Instruction, where: str) -> str:
    return f"{ins.keyword} {ins.args} (line {ins.line}) in {where}"


def _shell_form_problem(ins: Instruction, where: str, shell: tuple[str, ...]) -> str:
    runner = " ".join(shell)
    message = (
        f"{_describe(ins, where)} is shell form, so '{runner}' is PID 1 and the program does "
        "not receive SIGTERM on docker stop or a rolling update"
    )
    hint = json_form_hint(ins.args)
    if hint:
        message += f"; {hint}"
    return message


@policy(
    id="DOCKER-018",
    name="exec-form-cmd-entrypoint",
    title="The shipped CMD and ENTRYPOINT must use JSON exec form",
    severity=Severity.LOW,
    rationale=(
        "In shell form (CMD node server.js) Docker runs /bin/sh -c '<command>' (cmd /S /C on "
        "Windows), so the shell is PID 1. Docker stop and Kubernetes send SIGTERM to PID 1; "
        "the shell does not forward it, the application never starts its graceful shutdown, "
        "in-flight requests are cut off after the grace period by SIGKILL, and zero-downtime "
        "rolling updates are not. A shell-form CMD after an exec-form ENTRYPOINT is worse: "
        "the entrypoint receives '/bin/sh' '-c' '<command>' as its arguments. Something that "
        "looks like JSON but is not valid JSON (single quotes, a trailing comma) is shell "
        "form too."
    ),
    remediation=(
        'Write CMD ["node", "server.js"] with double quotes and no trailing comma. When '
        "a shell is needed (variables, &&), end the line with exec (CMD exec node "
        'server.js), use an entrypoint script that ends in exec "$@", or run an init as the '
        'exec-form ENTRYPOINT (ENTRYPOINT ["tini", "--"]). Prefer the application itself '
        "over wrappers such as npm start, which do not forward signals either."
    ),
    references=(
        "hadolint:DL3025",
        "https://docs.docker.com/go/dockerfile/rule/json-args-recommended/",
    ),
    example="""\
FROM node:20.11-alpine
WORKDIR /app
COPY . .
ENTRYPOINT ["/app/entrypoint.sh"]
CMD node server.js
""",
    use_instead="""\
FROM node:20.11-alpine
WORKDIR /app
COPY . .
ENTRYPOINT ["/app/entrypoint.sh"]
CMD ["node", "server.js"]
""",
)
def exec_form_cmd_entrypoint(dockerfile: Dockerfile, context: Context) -> Iterator[Violation]:
    settings = context.options(DockerOptions)
    stage = dockerfile.target_stage(settings.target)
    command = dockerfile.container_command(stage, settings.build_args)
    entrypoint, cmd = command.entrypoint, command.cmd
    where = dockerfile.shipped_title(stage)

    if entrypoint is not None and entrypoint.shell_form:
        # Docker ignores CMD next to a shell-form ENTRYPOINT, so only the ENTRYPOINT counts.
        shell = dockerfile.shell(entrypoint, settings.build_args)
        if not _execs(entrypoint, shell):
            yield Violation(_shell_form_problem(entrypoint, where, shell), line=entrypoint.line)
        return
    # Exec form is taken at its word, ["sh", "-c", "node server.js"] included: it is an
    # explicit choice, and sh -c execs a single simple command in bash and dash anyway.
    if cmd is None or cmd.exec_form is not None:
        return  # no command in this Dockerfile (the base image's applies) or exec form
    shell = dockerfile.shell(cmd, settings.build_args)
    if entrypoint is None:
        if not _execs(cmd, shell):
            yield Violation(_shell_form_problem(cmd, where, shell), line=cmd.line)
        return
    if _is_init(entrypoint):
        # An init as PID 1 forwards SIGTERM (dumb-init to the whole process group) and
        # reaps zombies, so the shell between it and the program does no harm.
        return
    # Even `CMD exec ...` is wrong here: the ENTRYPOINT gets "/bin/sh -c 'exec ...'" as
    # arguments, which it almost never expects.
    runner = " ".join(shell)
    message = (
        f"{_describe(cmd, where)} is shell form after the exec-form ENTRYPOINT "
        f"{entrypoint.args} (line {entrypoint.line}), so the entrypoint is started with "
        f"'{runner}' and the command line as its arguments"
    )
    hint = json_form_hint(cmd.args)
    if hint:
        message += f"; {hint}"
    yield Violation(message, line=cmd.line)
