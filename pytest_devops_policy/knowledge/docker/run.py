"""What the RUN instructions of a Dockerfile execute, as shell commands with lines.

Shared by every policy that looks inside RUN (sudo, TLS bypass, downloads, package
managers, pipefail). Each RUN becomes one :class:`RunScript`:

* shell form: the command line, parsed as the stage's shell would (SHELL is inherited);
* exec form: the argv itself (``["sh", "-c", "..."]`` is looked through);
* heredocs: ``RUN <<EOF`` and ``RUN bash <<EOF`` bodies are shell scripts, with their own
  line numbers; ``RUN python3 <<EOF`` or ``RUN cat <<EOF >f`` bodies are data, not commands
  (the command that reads one gets it as ``Command.stdin``, so ``cat <<EOF > f`` is a
  visible file write).

A PowerShell or cmd SHELL makes the script non-POSIX: policies about POSIX shell
behaviour skip it (catalog §1.2 item 9).

ONBUILD triggers: ``ONBUILD RUN ...`` runs in every build FROM its stage (a child image, or
a later stage of this file), so the enumerations here include each stage's RUN triggers
after its own RUNs, marked by ``instruction.onbuild``, and every policy that judges RUN
commands judges them too. A trigger runs with the stage's final ENV, SHELL and WORKDIR
(``Dockerfile.scope``/``shell``). Policies about what the shipped image itself contains
pass ``triggers=False``: a trigger's effects land in whichever child uses this image.

Variables: a RUN sees the stage's ARG and ENV values as environment variables.
:meth:`RunScript.resolved_commands` substitutes the ones the Dockerfile sets; shell
variables assigned inside the script, and ENV inherited from the base image, stay as
written (``RunScript.resolve`` tells the two kinds apart).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from pytest_devops_policy.formats.dockerfile.parser import (
    Dockerfile,
    Heredoc,
    Instruction,
    Scope,
    Stage,
    expand,
    why_no_value,
)
from pytest_devops_policy.knowledge.shell import (
    _SHELLS,
    Command,
    FileWrite,
    Script,
    parse_argv,
    parse_script,
)

__all__ = [
    "Resolved",
    "RunScript",
    "WrittenFile",
    "findings_message",
    "run_scripts",
    "shown",
    "stage_run_scripts",
    "written_files",
]

_SHEBANG = re.compile(r"^#!\s*(\S+)([^\n]*)")
_BARE_VAR = re.compile(r"^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$")


@dataclass(frozen=True)
class Resolved:
    """A word with the ARG/ENV values the Dockerfile gives it substituted.

    ``build_time`` names variables the Dockerfile declares without a static value (an
    ``ARG`` with no default, an ENV built from one, or ``too_large``: one whose value
    expands past MAX_EXPANDED): the answer depends on the build,
    so policies say UNKNOWN. ``runtime`` names variables the Dockerfile never sets
    (shell variables of the script, the base image's ENV); they are kept as written.
    """

    text: str
    build_time: tuple[str, ...] = ()
    runtime: tuple[str, ...] = ()
    known_prefix: str | None = None  # the text before the first unresolved reference
    too_large: tuple[str, ...] = ()  # the build_time names set to a value past MAX_EXPANDED

    def __post_init__(self) -> None:
        if self.known_prefix is None:
            object.__setattr__(self, "known_prefix", self.text)

    @property
    def resolved(self) -> bool:
        return not self.build_time and not self.runtime

    def why(self, plain: str | None = "which has no default") -> str:
        """The ``build_time`` names and why they have no value, for messages."""
        return why_no_value(self.build_time, self.too_large, plain)


@dataclass(frozen=True)
class WrittenFile:
    """Text the Dockerfile puts into a file of the image: a RUN write (``echo ... > f``,
    ``tee``, ``cat <<EOF > f``, ``sed -i``) or a ``COPY``/``ADD`` here-document."""

    path: str
    text: str
    mode: str  # write, append, edit (sed -i), copy (COPY/ADD heredoc)
    line: int  # the writing command's line, or the COPY/ADD instruction's
    instruction: Instruction
    stage: Stage
    command: Command | None = None  # the RUN command that writes it
    display: str = ""  # the command (with its pipeline) as shown in messages

    @property
    def basename(self) -> str:
        return posixpath.basename(self.path.rstrip("/"))

    @property
    def shown(self) -> str:
        """For messages: the writing command, or the COPY/ADD arguments."""
        if self.display:
            return self.display
        return shown(self.command) if self.command is not None else self.instruction.args


@dataclass(frozen=True)
class RunScript:
    """One RUN instruction's commands, with the interpreter that runs them."""

    instruction: Instruction
    stage: Stage
    shell: tuple[str, ...]
    posix: bool  # a POSIX shell (sh, bash, ...) runs it, not cmd or PowerShell
    parts: tuple[tuple[Script, int], ...]  # (script, first line in the file)
    dockerfile: Dockerfile | None = field(default=None, compare=False, repr=False)
    build_args: Mapping[str, str] | None = field(default=None, compare=False, repr=False)
    # the shell texts behind ``parts`` (the command line, then shell heredoc bodies)
    sources: tuple[str, ...] = field(default=(), compare=False, repr=False)
    # the program and options that run parts[i]: the stage's SHELL for the command line
    # and ``RUN <<EOF`` bodies, ``("bash", "-eu")`` for ``RUN bash -eu <<EOF``, the
    # shebang for ``#!/bin/bash -e``; () for an exec-form argv, which no shell reads
    interpreters: tuple[tuple[str, ...], ...] = field(default=(), compare=False, repr=False)

    @property
    def onbuild(self) -> bool:
        """An ONBUILD trigger: it runs in builds FROM this stage, not in this one."""
        return self.instruction.onbuild

    @property
    def commands(self) -> Iterator[tuple[Command, int]]:
        """Every command with its 1-based line in the Dockerfile."""
        for script, first in self.parts:
            for c in script.commands:
                yield c, first + c.line

    def named(self, *names: str) -> list[tuple[Command, int]]:
        wanted = set(names)
        return [(c, line) for c, line in self.commands if c.name in wanted]

    def runs(self, *names: str) -> bool:
        return bool(self.named(*names))

    @property
    def texts(self) -> tuple[str, ...]:
        """The shell texts that were parsed (command line, then shell heredoc bodies)."""
        return self.sources

    @property
    def exec_form(self) -> bool:
        return self.instruction.exec_form is not None

    @property
    def file_writes(self) -> list[tuple[FileWrite, int]]:
        """What the commands write into files, with the 1-based line of each command."""
        return [
            (w, first + w.command.line)
            for script, first in self.parts
            for w in script.file_writes()
        ]

    # -- variables

    @cached_property
    def scope(self) -> Scope | None:
        """ARG and ENV values visible to this RUN (None without a Dockerfile)."""
        if self.dockerfile is None:
            return None
        return self.dockerfile.scope(self.instruction, self.build_args)

    def resolve(self, text: str) -> Resolved:
        """Substitute the ARG/ENV values the Dockerfile sets in ``text`` (a command word)."""
        scope = self.scope
        if scope is None or "$" not in text:
            return Resolved(text)
        exp = expand(text, scope.lookup, "\\")
        if exp.resolved:
            return Resolved(exp.text)
        build_time: list[str] = []
        runtime: list[str] = []
        for name in exp.unresolved:
            declared = name in scope.env or name in scope.args
            (build_time if declared else runtime).append(name)
        return Resolved(
            exp.text, tuple(build_time), tuple(runtime), exp.known_prefix, exp.too_large
        )

    def resolved_commands(self) -> Iterator[tuple[Command, int]]:
        """``commands`` with ARG/ENV references in words, assignments and redirect targets
        replaced by their values (``curl $CURL_OPTS`` with ``ENV CURL_OPTS=-k``). A bare
        ``$VAR`` whose value has blanks is split into words, as the shell splits it."""
        for c, line in self.commands:
            yield self.resolve_command(c), line

    def shown(self, c: Command, line: int, limit: int = 80) -> str:
        """``c`` (found at ``line``) for messages, as written with its wrappers: the
        ``xargs sudo chmod`` of ``find | xargs sudo chmod`` rather than ``sudo chmod``."""
        if c.wrapped_by is not None and c.wrapped_by != "sh -c":
            for script, first in self.parts:
                for o in script.in_pipeline(c.pipeline):
                    if (
                        o.wrapped_by is None
                        and o.pipeline == c.pipeline
                        and o.position == c.position
                        and first + o.line == line
                    ):
                        return shown(self.resolve_command(o), limit)
        return shown(c, limit)

    def shown_pipeline(self, c: Command, line: int, limit: int = 100) -> str:
        """The whole pipeline ``c`` is part of (``curl -fsSL URL | sh``), for messages."""
        for script, first in self.parts:
            members = [
                o
                for o in script.in_pipeline(c.pipeline)
                if o.pipeline == c.pipeline
                and first + o.line == line
                and (o.wrapped_by is None or o.wrapped_by == c.wrapped_by == "sh -c")
            ]
            if len(members) > 1:
                members.sort(key=lambda o: o.position)
                return shown(" | ".join(str(self.resolve_command(o)) for o in members), limit)
        return self.shown(c, line, limit)

    def resolve_command(self, c: Command) -> Command:
        """``c`` with the ARG/ENV values the Dockerfile sets substituted (see
        ``resolved_commands``)."""
        if not any("$" in w for w in (*c.words, *c.assignments)) and not any(
            "$" in r.target for r in c.redirects
        ):
            return c
        words: list[str] = []
        for w in c.words:
            value = self.resolve(w).text if "$" in w else w
            if value != w and _BARE_VAR.match(w) and value.split() != [value]:
                words.extend(value.split())
            else:
                words.append(value)
        assignments = tuple(self._resolve_assignment(a) for a in c.assignments)
        redirects = tuple(
            replace(r, target=self.resolve(r.target).text) if "$" in r.target else r
            for r in c.redirects
        )
        return replace(c, words=tuple(words), assignments=assignments, redirects=redirects)

    def _resolve_assignment(self, assignment: str) -> str:
        name, _sep, value = assignment.partition("=")
        return f"{name}={self.resolve(value).text}" if "$" in value else assignment


def _is_posix(shell: tuple[str, ...]) -> bool:
    return bool(shell) and _basename(shell[0]) in _SHELLS


def _basename(word: str) -> str:
    return word.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")


def _reads_script_from_stdin(c: Command) -> bool:
    """``bash``, ``sh -eux``, ``sh -s -- arg``: a shell reading its script from stdin."""
    if c.name not in _SHELLS or c.name == "busybox" or c.shell_script() is not None:
        return False
    for w in c.args:
        if w in ("-s", "--"):
            return True
        if not w.startswith(("-", "+")):
            return False  # sh install.sh: the heredoc is that script's input
    return True


def _consumers(command: Script, ordinal: int) -> list[Command]:
    """The command reading heredoc ``ordinal`` and the commands it wraps (sudo bash <<EOF)."""
    return [c for c in command.commands if any(r.heredoc == ordinal for r in c.redirects)]


def _body_runner(
    command: Script, ordinal: int, heredoc: Heredoc, shell: tuple[str, ...], posix: bool
) -> tuple[str, ...] | None:
    """The program and options that run a RUN heredoc body as a shell script: the stage's
    SHELL (``RUN <<EOF``), the shell the command line starts (``RUN bash -e <<EOF``) or
    the shebang's; None when the body is data (``RUN python3 <<EOF``, ``cat <<EOF > f``)."""
    readers = _consumers(command, ordinal)
    if readers and readers[0].words:
        # RUN bash <<EOF / RUN sh -eux <<EOF: the shell reads the script from stdin;
        # RUN python3 <<EOF / RUN cat <<EOF > f: the body is that program's input
        for c in readers:
            if _reads_script_from_stdin(c):
                return c.words
        return None
    shebang = _SHEBANG.match(heredoc.body)
    if shebang is not None:
        # RUN <<EOF with "#!/usr/bin/env python3": BuildKit runs the body with that
        # interpreter, not with SHELL
        words = (shebang.group(1), *shebang.group(2).split())
        prog = _basename(words[0])
        if prog == "env" and len(words) > 1:
            words = words[1:]
            prog = _basename(words[0])
        return words if prog in _SHELLS else None
    return shell if posix else None  # RUN <<EOF: the stage's shell runs the body


def _build(dockerfile: Dockerfile, ins: Instruction, stage: Stage,
           build_args: Mapping[str, str] | None) -> RunScript:  # fmt: skip
    if ins.exec_form is not None:
        # No shell parses an exec-form RUN: the argv runs as is.
        return RunScript(
            ins, stage, (), True, ((parse_argv(ins.exec_form), ins.line),),
            dockerfile, build_args, (), ((),),
        )  # fmt: skip
    shell = dockerfile.shell(ins, build_args)
    posix = _is_posix(shell)
    bodies = tuple(h.body for h in ins.heredocs)
    command = parse_script(ins.args, bodies)
    parts: list[tuple[Script, int]] = [(command, ins.line)]
    sources = [ins.args]
    runners = [shell]
    for ordinal, heredoc in enumerate(ins.heredocs):
        runner = _body_runner(command, ordinal, heredoc, shell, posix)
        if runner is not None:
            parts.append((parse_script(heredoc.body), heredoc.line))
            sources.append(heredoc.body)
            runners.append(runner)
    return RunScript(
        ins, stage, shell, posix, tuple(parts), dockerfile, build_args, tuple(sources),
        tuple(runners),
    )  # fmt: skip


def stage_run_scripts(
    dockerfile: Dockerfile,
    stage: Stage,
    build_args: Mapping[str, str] | None = None,
    *,
    triggers: bool = True,
) -> list[RunScript]:
    """The RUN instructions of one stage, then its RUN triggers (``triggers=False``: only
    the RUNs of this stage's own build)."""
    # Most Dockerfile policies read the RUNs: build them once per file.
    key = ("runs", stage.index, tuple(sorted(build_args.items())) if build_args else ())
    hit: list[RunScript] | None = dockerfile.memo.get(key)
    if hit is None:
        steps = stage.find("RUN", triggers=True)
        hit = dockerfile.memo[key] = [_build(dockerfile, ins, stage, build_args) for ins in steps]
    return list(hit) if triggers else [r for r in hit if not r.onbuild]


def run_scripts(
    dockerfile: Dockerfile, build_args: Mapping[str, str] | None = None, *, triggers: bool = True
) -> list[RunScript]:
    """The RUN instructions of every stage, stage by stage (see ``stage_run_scripts``)."""
    out: list[RunScript] = []
    for stage in dockerfile.stages:
        out.extend(stage_run_scripts(dockerfile, stage, build_args, triggers=triggers))
    return out


def written_files(
    dockerfile: Dockerfile,
    stages: Sequence[Stage] | None = None,
    build_args: Mapping[str, str] | None = None,
    *,
    triggers: bool = True,
) -> list[WrittenFile]:
    """Text that RUN commands and COPY/ADD here-documents put into files, stage by stage
    (``stages``: all stages by default), each stage's triggers after its instructions
    unless ``triggers`` is False. Paths have the Dockerfile's ARG/ENV substituted."""
    out: list[WrittenFile] = []
    for stage in dockerfile.stages if stages is None else stages:
        runs = {r.instruction: r for r in stage_run_scripts(dockerfile, stage, build_args)}
        for ins in stage.steps if triggers else stage.instructions:
            if ins.keyword == "RUN":
                rs = runs[ins]
                for w, line in rs.file_writes:
                    path = rs.resolve(w.path).text if "$" in w.path else w.path
                    display = rs.shown_pipeline(w.command, line)
                    out.append(
                        WrittenFile(path, w.text, w.mode, line, ins, stage, w.command, display)
                    )
            elif ins.keyword in ("COPY", "ADD") and ins.heredocs:
                out.extend(_copied_heredocs(dockerfile, ins, stage, build_args))
    return out


def _copied_heredocs(
    dockerfile: Dockerfile,
    ins: Instruction,
    stage: Stage,
    build_args: Mapping[str, str] | None,
) -> Iterator[WrittenFile]:
    paths = dockerfile.copy_paths(ins)
    dest = dockerfile.resolve(paths.dest, ins, build_args).text
    docs = [s.heredoc for s in paths.sources if s.heredoc is not None]
    # ``COPY <<EOF /etc/x.conf`` names the file; ``COPY <<a <<b /dir/`` puts a and b there.
    into_dir = dest.endswith("/") or len(paths.sources) > 1
    for doc in docs:
        path = posixpath.join(dest, doc.name) if into_dir else dest
        yield WrittenFile(path, doc.body, "copy", ins.line, ins, stage)


def shown(command: Command | str, limit: int = 80) -> str:
    """A command for messages: quoted as a shell would need it, cut at ``limit`` chars."""
    # one line, spaces in words kept (split/join: no regex backtracking on long blanks)
    parts = (part.strip() for part in str(command).strip().split("\n"))
    text = " ".join(part for part in parts if part)
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def findings_message(ins: Instruction, pieces: Sequence[tuple[int, str]]) -> str:
    """One message for everything wrong with one instruction: ``RUN a (line 3) does x;
    b (line 4) does y`` (duplicates, such as a wrapper and what it wraps, dropped), with
    ``ONBUILD trigger:`` in front for a trigger."""
    return ins.mark(f"{ins.keyword} " + "; ".join(dict.fromkeys(text for _line, text in pieces)))
