"""Dockerfile parser: logical lines, heredocs, stages, and the shared Dockerfile knowledge.

Our own small parser, following BuildKit's (the reference implementation) rules:

* parser directives (``# syntax=``, ``# escape=``, ``# check=``) count only at the very top
  (after a ``#!`` first line only ``# syntax=`` still counts, as in BuildKit's frontend
  selection);
* the escape character at the end of a line (even followed by blanks) continues it; comment
  lines and empty lines inside a continued instruction are dropped;
* heredocs (``<<EOF``, ``<<-EOF``, ``<<'EOF'``, several per instruction) on RUN, COPY and ADD;
* JSON exec form only for a valid JSON array, anything else is shell form (an array with a
  non-string element does not build: a parse error);
* leading ``--flags`` are parsed out of every instruction.

Nothing in the file is ever executed. Variables are expanded statically: a value that depends
on something we cannot know (a build arg without default, the base image's ENV, the builder's
platform) stays *unresolved* and policies answer UNKNOWN instead of guessing.
"""

from __future__ import annotations

import csv
import dataclasses
import enum
import fnmatch
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from pytest_devops_policy.formats.images import ImageRef, parse_image
from pytest_devops_policy.formats.numbers import whole_number
from pytest_devops_policy.model import ParsedFile, ParseError, Source, Subject

__all__ = [
    "AUTOMATIC_ARGS",
    "INSTRUCTIONS",
    "RESERVED_STAGE_NAMES",
    "UNRESOLVED_MARK",
    "ContainerCommand",
    "CopyPaths",
    "CopySource",
    "Dockerfile",
    "Expansion",
    "Heredoc",
    "ImageReference",
    "Instruction",
    "KeyValue",
    "Scope",
    "Stage",
    "Unresolved",
    "User",
    "expand",
    "image_matches",
    "is_absolute_path",
    "is_root_user",
    "is_windows_image",
    "json_form_hint",
    "parse",
    "parse_mount",
    "why_no_value",
]

INSTRUCTIONS = frozenset(
    [
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    ]
)
# Instructions that take a JSON array or a shell-form string.
_JSON_CAPABLE = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})
_HEREDOC_CAPABLE = frozenset({"RUN", "COPY", "ADD"})
_NAME_VALUE = frozenset({"ENV", "LABEL"})
# CMD and ENTRYPOINT may legitimately be empty; everything else needs arguments.
_MAY_BE_EMPTY = frozenset({"CMD", "ENTRYPOINT"})
_NOT_TRIGGERS = frozenset({"ONBUILD", "FROM", "MAINTAINER"})

# ARGs the builder fills in itself: their value depends on the build machine/target.
AUTOMATIC_ARGS = frozenset(
    [
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETARCH",
        "TARGETVARIANT",
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDARCH",
        "BUILDVARIANT",
    ]
)

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_DIRECTIVE_KEYS = frozenset({"syntax", "escape", "check"})
_WS_SPLIT = re.compile(r"[ \t\v\f]+")
_STAGE_NAME = re.compile(r"^[a-z][a-z0-9\-_.]*$")
_HEREDOC_WORD = re.compile(r"^(\d*)<<(-?)([^<]*)$")
_PRAGMA_TARGET = re.compile(r"^#\s*devops-policy:\s*target\s*=\s*(\S+)\s*$", re.I)
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")
_WINDOWS_PATTERNS = ("mcr.microsoft.com/windows*", "*nanoserver*", "*servercore*")
# Stands for the unknown value of an unresolved variable in ``Expansion.marked``.
UNRESOLVED_MARK = "\x00"
# Stage names BuildKit reserves: ``scratch`` is the empty image, ``context`` the build context.
RESERVED_STAGE_NAMES = frozenset({"scratch", "context"})
_DRIVE_PATH = re.compile(r"^[A-Za-z]:(?:[\\/]|$)")
_ROOT_USERS = frozenset({"root", "containeradministrator", "administrator"})


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Heredoc:
    """One here-document attached to a RUN/COPY/ADD instruction."""

    name: str  # the delimiter word, unquoted (for COPY it is also the file name)
    body: str  # content; leading tabs removed for <<-
    line: int  # first line of the body (the line after the instruction, or after the
    # previous heredoc's terminator)
    end_line: int  # line of the terminator
    expand: bool  # False when the delimiter was quoted: no variable expansion in the body
    chomp: bool  # <<- form
    fd: int | None = None  # 3<<EOF names a file descriptor


@dataclass(frozen=True)
class KeyValue:
    """One ``name[=value]`` of ARG, ENV or LABEL. ``value`` is as written (quotes kept)."""

    name: str
    value: str | None  # None: ``ARG NAME`` without default


@dataclass(frozen=True, eq=False)
class Instruction:
    """One logical instruction. ``line``/``end_line`` are 1-based physical lines."""

    keyword: str  # upper case
    line: int
    end_line: int
    original: str  # the logical line as written, continuations joined
    args: str  # text after the keyword and its flags
    flags: Mapping[str, tuple[str, ...]]  # "--mount=a" "--mount=b" -> {"mount": ("a", "b")}
    exec_form: tuple[str, ...] | None = None  # JSON form; for HEALTHCHECK, the CMD part
    heredocs: tuple[Heredoc, ...] = ()
    stage: int | None = None  # index of the enclosing stage; None before the first FROM
    pairs: tuple[KeyValue, ...] = ()  # ARG / ENV / LABEL
    trigger: Instruction | None = None  # ONBUILD: the wrapped instruction
    # This instruction is an ONBUILD trigger (the ``trigger`` of the wrapper on the same
    # line): it runs at the start of every build FROM this stage, not in this one.
    onbuild: bool = False

    def __repr__(self) -> str:
        span = f"{self.line}" if self.end_line == self.line else f"{self.line}-{self.end_line}"
        keyword = f"ONBUILD {self.keyword}" if self.onbuild else self.keyword
        return f"<{keyword} line {span}: {self.args[:40]!r}>"

    def mark(self, message: str) -> str:
        """``message`` about this instruction, saying so when it is an ONBUILD trigger."""
        return f"ONBUILD trigger: {message}" if self.onbuild else message

    @property
    def value_hint(self) -> str:
        """Where a variable with no value here can get one, for "cannot be checked" messages:
        a trigger sees the variables of the build FROM this image, not this build's ARGs."""
        if self.onbuild:
            return "the build FROM this image may set it"
        return "docker.build_args can supply one"

    def flag(self, name: str) -> str | None:
        """The last value of ``--name`` ('' for a bare ``--name``), or None."""
        values = self.flags.get(name)
        return values[-1] if values else None

    def flag_values(self, name: str) -> tuple[str, ...]:
        return self.flags.get(name, ())

    def has_flag(self, name: str) -> bool:
        return name in self.flags

    @property
    def mounts(self) -> list[dict[str, str]]:
        """``RUN --mount=...`` options, one dict per mount."""
        return [parse_mount(v) for v in self.flag_values("mount")]

    @property
    def shell_form(self) -> bool:
        return self.exec_form is None

    @property
    def healthcheck_none(self) -> bool:
        return self.keyword == "HEALTHCHECK" and self.args.split(None, 1)[0].upper() == "NONE"

    @property
    def command(self) -> str:
        """The command text: for HEALTHCHECK the part after ``CMD``, else ``args``."""
        if self.keyword == "HEALTHCHECK":
            parts = self.args.split(None, 1)
            return parts[1] if len(parts) > 1 and parts[0].upper() == "CMD" else ""
        return self.args

    @property
    def script(self) -> str:
        """Everything a shell may run: the command text plus heredoc bodies."""
        if not self.heredocs:
            return self.command
        return "\n".join([self.command, *(h.body for h in self.heredocs)])


@dataclass(frozen=True, eq=False)
class Stage:
    """A build stage: its FROM and the instructions up to the next FROM."""

    index: int
    name: str | None  # lower case (stage names are case-insensitive)
    base: str  # the image text as written (``node:20``, ``${BASE}``, ``builder``)
    platform: str | None
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]
    parent: int | None  # index of the earlier stage this one is FROM (default build args)

    def __repr__(self) -> str:
        return f"<Stage {self.display} FROM {self.base} line {self.from_line}>"

    @property
    def from_line(self) -> int:
        return self.from_instruction.line

    @property
    def valid_name(self) -> bool:
        """BuildKit accepts ``[a-z][a-z0-9-_.]*`` after lower-casing; anything else fails."""
        return self.name is None or bool(_STAGE_NAME.match(self.name))

    @property
    def label(self) -> str:
        """For node ids: the stage's name, or its index when it has none."""
        return self.name if self.name is not None else str(self.index)

    @property
    def display(self) -> str:
        """For messages: ``'runtime'`` or ``#2``."""
        return f"'{self.name}'" if self.name is not None else f"#{self.index}"

    @cached_property
    def triggers(self) -> tuple[Instruction, ...]:
        """ONBUILD triggers (``onbuild`` is set): they run in builds FROM this stage (a
        child image, or a later stage of this file), not in this one."""
        return tuple(i.trigger for i in self.instructions if i.trigger is not None)

    @cached_property
    def steps(self) -> tuple[Instruction, ...]:
        """The instructions, then the ONBUILD triggers: a trigger runs after everything in
        this stage (at the start of a build FROM it), with its ENV, SHELL and WORKDIR."""
        triggers = self.triggers
        return self.instructions + triggers if triggers else self.instructions

    def find(self, *keywords: str, triggers: bool = False) -> list[Instruction]:
        """The instructions with these keywords; with ``triggers``, the ONBUILD triggers
        with these keywords follow them (see ``steps``)."""
        wanted = {k.upper() for k in keywords}
        return [i for i in (self.steps if triggers else self.instructions) if i.keyword in wanted]


class Unresolved(enum.Enum):
    """Why a variable has no static value."""

    UNSET = "unset"  # declared without a value: empty unless a build arg is passed
    UNKNOWN = "unknown"  # not knowable here (base image ENV, builder ARGs, unresolved refs)
    # set, to a value that expands past MAX_EXPANDED: unknown too, but messages must not
    # say it has no default (``ARG A40=${A39}${A39}`` has one, a terabyte long)
    TOO_LARGE = "too large"


VarValue = str | Unresolved
Lookup = Callable[[str], VarValue]


@dataclass(frozen=True)
class Expansion:
    """The result of expanding ``$VAR`` references; unresolved ones stay as written."""

    text: str
    references: tuple[str, ...] = ()  # every variable name looked up
    unresolved: tuple[str, ...] = ()  # names whose value is not known statically
    # ``text`` with every unresolved reference replaced by UNRESOLVED_MARK (None: resolved)
    marked: str | None = None
    # why the value is unknown besides unresolved names (an expansion past MAX_EXPANDED)
    reason: str | None = None
    # the unresolved names that have a value, too large to read: TOO_LARGE variables,
    # and the one whose copy took this expansion past MAX_EXPANDED
    too_large: tuple[str, ...] = ()

    @property
    def resolved(self) -> bool:
        return not self.unresolved

    @property
    def value_kind(self) -> VarValue:
        """What a variable defined from this expansion holds: the text, or why not."""
        if self.resolved:
            return self.text
        return Unresolved.TOO_LARGE if self.too_large else Unresolved.UNKNOWN

    def why(self, plain: str | None = "which has no default") -> str:
        """The unresolved names and why they have no value, for messages (``why_no_value``)."""
        return why_no_value(self.unresolved, self.too_large, plain)

    @property
    def known_prefix(self) -> str:
        """The text before the first unresolved reference (all of it when resolved).

        ``/srv/$APP`` starts with ``/`` whatever APP is; ``$HOME/app`` may not.
        """
        if self.marked is None:
            return self.text
        return self.marked.split(UNRESOLVED_MARK, 1)[0]


@dataclass
class Scope:
    """The variables visible at one point of the Dockerfile (ENV wins over ARG)."""

    env: dict[str, VarValue] = field(default_factory=dict)
    args: dict[str, VarValue] = field(default_factory=dict)
    undeclared: Unresolved = Unresolved.UNKNOWN

    def lookup(self, name: str) -> VarValue:
        if name in self.env:
            return self.env[name]
        if name in self.args:
            return self.args[name]
        if name in AUTOMATIC_ARGS:
            return Unresolved.UNKNOWN
        return self.undeclared


@dataclass(frozen=True)
class User:
    """The effective ``USER`` of a stage chain."""

    instruction: Instruction
    stage: Stage  # the stage the USER instruction is in
    expansion: Expansion

    @property
    def name(self) -> str:
        """The user part, before ``:``."""
        return self.expansion.text.partition(":")[0].strip()

    @property
    def group(self) -> str | None:
        _user, sep, group = self.expansion.text.partition(":")
        return group.strip() if sep else None


@dataclass(frozen=True)
class ImageReference:
    """An image named by FROM, ``COPY --from`` or ``RUN --mount=...,from=``."""

    instruction: Instruction
    source: str  # "FROM", "COPY --from" or "RUN --mount from"
    raw: str  # as written
    expansion: Expansion
    stage: Stage | None  # the build stage it names, if it names one

    @property
    def is_scratch(self) -> bool:
        return self.expansion.resolved and self.expansion.text.strip().lower() == "scratch"

    @property
    def external(self) -> bool:
        """An image pulled from a registry (not a stage, not scratch)."""
        return self.stage is None and not self.is_scratch

    @property
    def image(self) -> ImageRef | None:
        if not self.external or not self.expansion.resolved or not self.expansion.text.strip():
            return None
        return parse_image(self.expansion.text)

    def describe(self) -> str:
        shown = self.raw
        if self.expansion.text != self.raw:
            shown = f"{self.raw} (= {self.expansion.text})"
        if self.source == "FROM":
            return f"FROM {shown}"
        if self.source == "COPY --from":
            return f"COPY --from={shown}"
        return f"RUN --mount from={shown}"


@dataclass(frozen=True)
class CopySource:
    """One source of COPY/ADD: a path, glob or URL as written, or a here-document."""

    raw: str  # as written (shell form keeps quotes; ``dockerfile.resolve`` removes them)
    heredoc: Heredoc | None = None  # ``COPY <<EOF /dst``: inline content, not a path


@dataclass(frozen=True)
class CopyPaths:
    """The sources and the destination of a COPY or ADD instruction."""

    sources: tuple[CopySource, ...]
    dest: str  # as written


@dataclass(frozen=True)
class ContainerCommand:
    """What a container of a stage runs: the ENTRYPOINT and CMD in effect (None: none in
    this Dockerfile, so whatever the base image has, if anything)."""

    entrypoint: Instruction | None
    cmd: Instruction | None


# --------------------------------------------------------------------------- helpers


def parse_mount(value: str) -> dict[str, str]:
    """``type=secret,id=npm,target=/root/.npmrc`` -> dict (CSV, so quoted commas survive).

    A bare key (``readonly``, ``ro``) maps to ``"true"``; the default type is ``bind``.
    """
    out: dict[str, str] = {}
    for row in csv.reader([value], skipinitialspace=True):
        for part in row:
            key, sep, val = part.partition("=")
            key = key.strip().lower()
            if key:
                out[key] = val.strip() if sep else "true"
    out.setdefault("type", "bind")
    return out


def is_root_user(user: str) -> bool:
    """``root``, any all-zero UID, or a Windows administrator account."""
    u = user.strip()
    if u.isascii() and u.isdigit():
        return u.strip("0") == ""  # no conversion: a UID may be any number of digits
    # Windows account names are case-insensitive; a Linux `ROOT` would not even build.
    return u.lower() in _ROOT_USERS


def is_absolute_path(path: str) -> bool:
    """``/app``, or a Windows ``C:\\app``, ``C:/app``, ``\\app`` (no image mixes the two,
    so a Windows spelling is accepted whatever the base image)."""
    p = path.strip()
    return p.startswith(("/", "\\")) or bool(_DRIVE_PATH.match(p))


def is_windows_image(text: str) -> bool:
    low = text.strip().lower()
    return any(fnmatch.fnmatchcase(low, p) for p in _WINDOWS_PATTERNS)


def _short_name(name: str) -> str:
    """Docker Hub spellings of one image compare equal: ``docker.io/library/node`` -> ``node``."""
    low = name.lower()
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if low.startswith(prefix):
            low = low[len(prefix) :]
            break
    return low.removeprefix("library/")


def image_matches(image: ImageRef, pattern: str) -> bool:
    """Glob match with the name and tag compared separately, so a registry port is no tag.

    ``gcr.io/distroless/*:*nonroot*`` needs both parts to match; ``cgr.dev/chainguard/*``
    (no tag in the pattern) matches any tag. The digest is ignored.
    """
    pat = parse_image(pattern)
    if not fnmatch.fnmatchcase(_short_name(image.name), _short_name(pat.name)):
        return False
    return pat.tag is None or fnmatch.fnmatchcase((image.tag or "").lower(), pat.tag.lower())


# --------------------------------------------------------------------------- expansion


MAX_EXPANDED = 64 * 1024
"""Variable values an expansion may copy in, in characters. ``ARG A2=$A1$A1`` doubles at
each line: 40 such lines would stand for a terabyte. Past this the expansion is unresolved
(and a variable it defines unknown), so no stored value is ever larger."""


# True of a TOO_LARGE variable and of one whose copy took a longer text past the bound
# (``${A13}${A13}``: A13 alone is 48 KiB), so it speaks of the expansion, not the value.
TOO_LARGE_WHY = f"whose expansion is more than {MAX_EXPANDED // 1024} KiB"


def why_no_value(
    names: Iterable[str],
    too_large: Iterable[str] = (),
    plain: str | None = "which has no default",
) -> str:
    """``NAME, which has no default`` for messages about a value not known statically.

    Every policy words it here so that a variable whose value passed MAX_EXPANDED is never
    said to lack a default: ``A40, whose expansion is more than 64 KiB``. ``plain`` is
    the wording for the other names (``which has no default here``...; None: the names).
    """
    big = set(too_large)
    ordered = list(dict.fromkeys(names))
    parts = []
    unset = [n for n in ordered if n not in big]
    if unset:
        parts.append(", ".join(unset) if plain is None else f"{', '.join(unset)}, {plain}")
    large = [n for n in ordered if n in big]
    if large:
        parts.append(f"{', '.join(large)}, {TOO_LARGE_WHY}")
    return ", and ".join(parts)


class _TooLong(Exception):
    """An expansion copied in more than MAX_EXPANDED characters of variable values."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _Expander:
    """Shell-word processing as BuildKit does it for FROM, USER, ENV...: quotes, escapes, $VAR."""

    __slots__ = (
        "copied",
        "escape",
        "lookup",
        "marker",
        "references",
        "too_large",
        "unresolved",
        "variables",
    )

    def __init__(
        self, lookup: Lookup, escape: str, variables: bool = True, marker: str | None = None
    ) -> None:
        self.lookup = lookup
        self.escape = escape
        self.variables = variables
        self.marker = marker  # replaces unresolved references in the output when set
        self.references: list[str] = []
        self.unresolved: list[str] = []
        self.too_large: list[str] = []  # unresolved because their value is TOO_LARGE
        self.copied = 0  # characters of variable values copied in so far

    def _copy(self, name: str, value: str) -> str:
        self.copied += len(value)
        if self.copied > MAX_EXPANDED:
            raise _TooLong(name)
        return value

    def _keep(self, name: str, raw: str, value: VarValue | None = None) -> str:
        self.unresolved.append(name)
        if value is Unresolved.TOO_LARGE:
            self.too_large.append(name)
        return raw if self.marker is None else self.marker

    def run(self, text: str) -> str:
        out: list[str] = []
        i, n = 0, len(text)
        esc = self.escape
        while i < n:
            c = text[i]
            if c == "'":
                j = text.find("'", i + 1)
                if j < 0:  # unterminated: BuildKit refuses; we keep the rest literally
                    out.append(text[i + 1 :])
                    break
                out.append(text[i + 1 : j])
                i = j + 1
            elif c == '"':
                i = self._double(text, i + 1, out)
            elif c == esc:
                if i + 1 < n:
                    out.append(text[i + 1])
                i += 2
            elif c == "$" and self.variables:
                i = self._dollar(text, i, out)
            else:
                out.append(c)
                i += 1
        return "".join(out)

    def _double(self, text: str, i: int, out: list[str]) -> int:
        n = len(text)
        esc = self.escape
        while i < n:
            c = text[i]
            if c == '"':
                return i + 1
            if c == esc and i + 1 < n and text[i + 1] in ('"', "$", esc):
                out.append(text[i + 1])
                i += 2
            elif c == "$" and self.variables:
                i = self._dollar(text, i, out)
            else:
                out.append(c)
                i += 1
        return n

    def _dollar(self, text: str, i: int, out: list[str]) -> int:
        n = len(text)
        nxt = text[i + 1] if i + 1 < n else ""
        if nxt == "{":
            end = self._closing(text, i + 2)
            if end < 0:
                out.append(text[i:])
                return n
            out.append(self._braced(text[i + 2 : end], text[i : end + 1]))
            return end + 1
        if nxt in _NAME_START:
            j = i + 1
            while j < n and text[j] in _NAME_CHARS:
                j += 1
            name = text[i + 1 : j]
            value = self._lookup(name)
            if isinstance(value, str):
                out.append(self._copy(name, value))
            else:
                out.append(self._keep(name, text[i:j], value))
            return j
        out.append("$")
        return i + 1

    def _closing(self, text: str, i: int) -> int:
        depth, n = 1, len(text)
        while i < n:
            c = text[i]
            if c == self.escape:
                i += 2
                continue
            if c == "$" and i + 1 < n and text[i + 1] == "{":
                depth += 1
                i += 2
                continue
            if c == "}":
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        return -1

    def _lookup(self, name: str) -> VarValue:
        self.references.append(name)
        return self.lookup(name)

    def _braced(self, inner: str, raw: str) -> str:
        j = 0
        while j < len(inner) and inner[j] in (_NAME_CHARS if j else _NAME_START):
            j += 1
        name, rest = inner[:j], inner[j:]
        if not name:
            return raw
        value = self._lookup(name)
        if rest == "":
            if isinstance(value, str):
                return self._copy(name, value)
            return self._keep(name, raw, value)
        for op in (":-", ":+", ":?", "-", "+", "?"):
            if rest.startswith(op):
                word = rest[len(op) :]
                break
        else:  # ${VAR#pat}, ${VAR%pat}, ${VAR/a/b}...: not evaluated statically
            return self._keep(name, raw, value)
        if value is Unresolved.TOO_LARGE:
            # set and not empty, only too large to hold: ${BIG:+x} is x, ${BIG:-d} is BIG
            return self.run(word) if op in (":+", "+") else self._keep(name, raw, value)
        if value is Unresolved.UNKNOWN:
            return self._keep(name, raw)
        # value is now a string, or UNSET (declared without a value).
        is_set = isinstance(value, str)
        non_empty = isinstance(value, str) and value != ""
        if op == ":-":
            return (
                self._copy(name, value) if non_empty and isinstance(value, str) else self.run(word)
            )
        if op == "-":
            return self._copy(name, value) if isinstance(value, str) else self.run(word)
        if op == ":+":
            return self.run(word) if non_empty else ""
        if op == "+":
            return self.run(word) if is_set else ""
        # ${VAR:?msg} / ${VAR?msg}: the build fails unless VAR is given.
        if isinstance(value, str) and (op == "?" or value):
            return self._copy(name, value)
        return self._keep(name, raw)


def expand(text: str, lookup: Lookup, escape: str = "\\") -> Expansion:
    """Expand ``$VAR``, ``${VAR}``, ``${VAR:-d}``, ``${VAR-d}``, ``${VAR:+a}``, ``${VAR+a}``.

    Quotes and escapes are processed like BuildKit's word lexer (single quotes stop
    expansion). References whose value is not known statically are kept as written and
    listed in ``unresolved``: they are never silently replaced by an empty string.
    """
    ex = _Expander(lookup, escape)
    try:
        text_out = ex.run(text)
    except _TooLong as too_long:
        # Unknown, as written: no policy reads a value nobody could store.
        return Expansion(
            text,
            tuple(dict.fromkeys(ex.references)),
            (too_long.name,),
            UNRESOLVED_MARK,
            f"expands to more than {MAX_EXPANDED // 1024} KiB",
            (too_long.name,),
        )
    marked = None
    if ex.unresolved:  # a second pass only where it matters: most values resolve
        marked = _Expander(lookup, escape, marker=UNRESOLVED_MARK).run(text)
    return Expansion(
        text_out,
        tuple(dict.fromkeys(ex.references)),
        tuple(dict.fromkeys(ex.unresolved)),
        marked,
        too_large=tuple(dict.fromkeys(ex.too_large)),
    )


def _unquote(text: str, escape: str) -> str:
    """Remove quotes and escapes without expanding anything."""
    return _Expander(lambda _n: Unresolved.UNKNOWN, escape, variables=False).run(text)


# --------------------------------------------------------------------------- tokenising


def _split_words(text: str, escape: str) -> list[str]:
    """Whitespace-separated words; quotes and escapes are kept in the words (BuildKit's
    ``parseWords``), so ``a="x y"`` stays one word."""
    words: list[str] = []
    cur: list[str] = []
    in_word = False
    quote = ""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if quote:
            cur.append(c)
            if c == escape and quote == '"' and i + 1 < n:
                cur.append(text[i + 1])
                i += 2
                continue
            if c == quote:
                quote = ""
            i += 1
            continue
        if c in " \t\v\f":
            if in_word:
                words.append("".join(cur))
                cur = []
                in_word = False
            i += 1
            continue
        in_word = True
        if c == escape and i + 1 < n:
            cur.append(c)
            cur.append(text[i + 1])
            i += 2
            continue
        if c in "'\"":
            quote = c
        cur.append(c)
        i += 1
    if in_word:
        words.append("".join(cur))
    return words


def _extract_flags(text: str) -> tuple[dict[str, tuple[str, ...]], str]:
    """Leading ``--name[=value]`` words -> ({name: values}, remaining text)."""
    flags: dict[str, list[str]] = {}
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return _freeze(flags), ""
        if not text.startswith("--", i):
            return _freeze(flags), text[i:].rstrip()
        word: list[str] = []
        quote = ""
        while i < n:
            c = text[i]
            if quote:
                if c == quote:
                    quote = ""
                else:
                    if c == "\\" and i + 1 < n:
                        i += 1
                        c = text[i]
                    word.append(c)
                i += 1
                continue
            if c.isspace():
                break
            if c in "'\"":
                quote = c
            else:
                if c == "\\" and i + 1 < n:
                    i += 1
                    c = text[i]
                word.append(c)
            i += 1
        w = "".join(word)
        if w == "--":  # explicit end of flags
            return _freeze(flags), text[i:].strip()
        name, _sep, value = w[2:].partition("=")
        flags.setdefault(name, []).append(value)


def _freeze(flags: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {k: tuple(v) for k, v in flags.items()}


class _NotStringArray(ValueError):
    """Valid JSON, but not an array of strings: BuildKit refuses the instruction."""


def _maybe_json(text: str) -> tuple[str, ...] | None:
    """Exec form only for a valid JSON array (double quotes, no trailing comma, nothing
    after the ``]``); anything else is shell form. Raises _NotStringArray for a valid JSON
    array with a non-string element (``["node", 1]``), which does not build."""
    stripped = text.strip()
    if not stripped.startswith("["):
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    if not isinstance(value, list):  # pragma: no cover - "[" starts an array or nothing
        return None
    if not all(isinstance(v, str) for v in value):
        raise _NotStringArray("when using JSON array syntax, every element must be a string")
    return tuple(value)


def json_form_hint(args: str) -> str | None:
    """Why ``args`` that look like a JSON array are shell form after all (None: they do not
    look like one, or they are valid). For messages: Docker silently runs such a line
    through ``/bin/sh -c``, brackets and quotes included."""
    stripped = args.strip()
    if not stripped.startswith("[") or _maybe_json_quiet(stripped) is not None:
        return None
    reasons: list[str] = []
    if "'" in stripped and '"' not in stripped:
        reasons.append("it uses single quotes")
    if re.search(r",\s*\]\s*$", stripped):
        reasons.append("it has a trailing comma")
    if not stripped.endswith("]"):
        reasons.append("text follows the closing bracket, or there is none")
    detail = "; ".join(reasons) if reasons else "it does not parse"
    return (
        f"the brackets are not valid JSON ({detail}), so Docker runs the line in shell form; "
        "JSON needs double quotes and no trailing comma"
    )


def _maybe_json_quiet(text: str) -> tuple[str, ...] | None:
    try:
        return _maybe_json(text)
    except _NotStringArray:
        return None


# --------------------------------------------------------------------------- parser


@dataclass
class _Pending:
    """A stage being collected."""

    index: int
    name: str | None
    base: str
    platform: str | None
    from_instruction: Instruction
    instructions: list[Instruction] = field(default_factory=list)


class _Parser:
    def __init__(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        if "\r\n" in text:
            # BuildKit splits lines on LF only: a lone CR stays inside its line (so a
            # "comment\rUSER 1000" line hides no instruction from us that it hides from it).
            text = text.replace("\r\n", "\n")
        self.lines = text.split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.i = 0  # index of the next physical line to read
        self.escape = "\\"
        self.directives: dict[str, str] = {}
        self.directive_lines: dict[str, int] = {}
        self.comments: list[tuple[int, str]] = []

    # -- directives and logical lines

    def read_directives(self) -> None:
        if self.lines and self.lines[0].startswith("#!"):
            self._syntax_after_shebang()
            return
        while self.i < len(self.lines):
            stripped = self.lines[self.i].strip()
            m = _DIRECTIVE.match(stripped)
            if not m or m.group(1).lower() not in _DIRECTIVE_KEYS:
                return
            key, value, lineno = m.group(1).lower(), m.group(2), self.i + 1
            if key in self.directives:
                raise ParseError(f"only one {key} parser directive can be used", lineno)
            if key == "escape":
                if value not in ("\\", "`"):
                    raise ParseError(f"invalid escape token {value!r}: must be ` or \\", lineno)
                self.escape = value
            self.directives[key] = value
            self.directive_lines[key] = lineno
            self.comments.append((lineno, self.lines[self.i]))
            self.i += 1

    def _syntax_after_shebang(self) -> None:
        """A ``#!`` first line ends the parser directives for the parser (so ``escape`` and
        ``check`` after it are plain comments), but the frontend selection skips it and
        still honours ``# syntax=`` on the following lines. Recorded, because that image
        runs the build (DOCKER-021); the lines stay comments."""
        for n in range(1, len(self.lines)):
            m = _DIRECTIVE.match(self.lines[n].strip())
            if not m or m.group(1).lower() not in _DIRECTIVE_KEYS:
                return
            if m.group(1).lower() == "syntax" and "syntax" not in self.directives:
                self.directives["syntax"] = m.group(2)
                self.directive_lines["syntax"] = n + 1

    def _trim_continuation(self, line: str) -> tuple[str, bool]:
        """(line without the trailing escape, whether the instruction continues)."""
        stripped = line.rstrip(" \t")
        if stripped.endswith(self.escape):
            return stripped[: -len(self.escape)], True
        return line, False

    def logical_lines(self) -> Iterator[tuple[str, int, int]]:
        """(logical line, first line, last line) for every instruction; heredoc bodies
        are consumed by ``read_heredocs`` while this generator is suspended."""
        lines = self.lines
        while self.i < len(lines):
            raw = lines[self.i]
            start = self.i + 1
            self.i += 1
            stripped = raw.lstrip()
            if stripped.startswith("#"):
                self.comments.append((start, raw))
                continue
            text, more = self._trim_continuation(stripped)
            if not more and not text.strip():
                continue
            parts = [text]
            while more and self.i < len(lines):
                raw = lines[self.i]
                self.i += 1
                s = raw.lstrip()
                if s.startswith("#"):  # comment inside a continued instruction: dropped
                    continue
                if not s:  # empty continuation line (deprecated, still accepted)
                    continue
                text, more = self._trim_continuation(raw)
                parts.append(text)
            yield "".join(parts), start, self.i

    def read_heredocs(
        self, specs: list[tuple[str, bool, bool, int | None]], start: int
    ) -> list[Heredoc]:
        out: list[Heredoc] = []
        lines = self.lines
        for name, chomp, expand_body, fd in specs:
            body: list[str] = []
            first = self.i + 1
            while True:
                if self.i >= len(lines):
                    raise ParseError(
                        f"unterminated heredoc <<{name} (instruction on line {start}; "
                        f"no line '{name}' before the end of the file)",
                        start,
                    )
                raw = lines[self.i]
                self.i += 1
                candidate = raw.lstrip("\t") if chomp else raw
                if candidate == name:
                    break
                body.append(candidate)
            text = "".join(line + "\n" for line in body)
            out.append(Heredoc(name, text, first, self.i, expand_body, chomp, fd))
        return out

    # -- instructions

    def heredoc_specs(self, line: str) -> list[tuple[str, bool, bool, int | None]]:
        specs: list[tuple[str, bool, bool, int | None]] = []
        for word in _split_words(line, self.escape):
            m = _HEREDOC_WORD.match(word)
            if not m or not m.group(3):
                continue
            rest = m.group(3)
            name = _unquote(rest, self.escape)
            if not name:
                continue
            fd = whole_number(m.group(1)) if m.group(1) else None
            specs.append((name, m.group(2) == "-", name == rest, fd))
        return specs

    def instruction(self, logical: str, line: int, end: int, stage: int | None) -> Instruction:
        text = logical.strip()
        parts = _WS_SPLIT.split(text, maxsplit=1)
        word = parts[0]
        rest = parts[1] if len(parts) > 1 else ""
        keyword = word.upper()
        if keyword not in INSTRUCTIONS:
            raise ParseError(f"unknown instruction: {word}", line)
        flags, args = _extract_flags(rest)
        if not args and keyword not in _MAY_BE_EMPTY:
            raise ParseError(f"{keyword} requires at least one argument", line)

        if keyword == "ONBUILD":
            inner = _WS_SPLIT.split(args, maxsplit=1)[0].upper()
            if inner in _NOT_TRIGGERS:
                raise ParseError(f"{inner} isn't allowed as an ONBUILD trigger", line)
            trigger = dataclasses.replace(self.instruction(args, line, end, stage), onbuild=True)
            end = max(end, trigger.end_line)
            return Instruction(
                keyword, line, end, logical, args, flags, stage=stage, trigger=trigger
            )

        exec_form: tuple[str, ...] | None = None
        try:
            if keyword in _JSON_CAPABLE:
                exec_form = _maybe_json(args)
                if keyword == "SHELL" and exec_form is None:
                    raise ParseError("SHELL requires the arguments to be a JSON array", line)
            elif keyword == "HEALTHCHECK":
                exec_form = self._healthcheck(args, line)
        except _NotStringArray as exc:
            raise ParseError(f"{keyword}: {exc}", line) from None
        if keyword in ("COPY", "ADD"):
            count = len(exec_form) if exec_form is not None else len(_WS_SPLIT.split(args))
            if count < 2:
                raise ParseError(
                    f"{keyword} needs a source and a destination; only one argument is given",
                    line,
                )

        heredocs: tuple[Heredoc, ...] = ()
        if keyword in _HEREDOC_CAPABLE and exec_form is None and "<<" in args:
            specs = self.heredoc_specs(args)
            if specs:
                heredocs = tuple(self.read_heredocs(specs, line))
                end = self.i

        pairs: tuple[KeyValue, ...] = ()
        if keyword in _NAME_VALUE:
            pairs = self._name_values(keyword, args, line)
        elif keyword == "ARG":
            pairs = self._arg_pairs(args)
        return Instruction(
            keyword, line, end, logical, args, flags, exec_form, heredocs, stage, pairs
        )

    def _healthcheck(self, args: str, line: int) -> tuple[str, ...] | None:
        words = args.split(None, 1)
        kind = words[0].upper()
        if kind == "NONE":
            if len(words) > 1:
                raise ParseError("HEALTHCHECK NONE takes no arguments", line)
            return None
        if kind != "CMD":
            raise ParseError(f"unknown type {words[0]!r} in HEALTHCHECK (try CMD)", line)
        if len(words) < 2:
            raise ParseError("HEALTHCHECK CMD needs a command", line)
        return _maybe_json(words[1])

    def _name_values(self, keyword: str, args: str, line: int) -> tuple[KeyValue, ...]:
        words = _split_words(args, self.escape)
        if "=" not in words[0]:
            # Legacy `ENV NAME value with spaces`: one pair, the value is the rest.
            parts = _WS_SPLIT.split(args.strip(), maxsplit=1)
            if len(parts) < 2:
                raise ParseError(f"{keyword} must have two arguments", line)
            return (KeyValue(parts[0], parts[1]),)
        out: list[KeyValue] = []
        for w in words:
            name, sep, value = w.partition("=")
            if not sep or not name:
                raise ParseError(
                    f"{keyword}: can't find = in {w!r}; must be of the form name=value", line
                )
            out.append(KeyValue(name, value))
        return tuple(out)

    def _arg_pairs(self, args: str) -> tuple[KeyValue, ...]:
        out: list[KeyValue] = []
        for w in _split_words(args, self.escape):
            name, sep, value = w.partition("=")
            out.append(KeyValue(name, value if sep else None))
        return tuple(out)

    # -- the whole file

    def run(self, source: Source, target: str | None = None) -> Dockerfile:
        self.read_directives()
        preamble: list[Instruction] = []
        pending: list[_Pending] = []
        for logical, start, end in self.logical_lines():
            stage_index = pending[-1].index if pending else None
            ins = self.instruction(logical, start, end, stage_index)
            if ins.keyword == "FROM":
                pending.append(self._new_stage(ins, len(pending)))
            elif pending:
                pending[-1].instructions.append(ins)
            else:
                preamble.append(ins)
        if not pending:
            first = preamble[0].line if preamble else 1
            raise ParseError("no FROM instruction: not a buildable Dockerfile", first)
        global_args = [i for i in preamble if i.keyword == "ARG"]
        scope = _global_scope(global_args, {}, self.escape)
        stages: list[Stage] = []
        for p in pending:
            parent = _earlier_stage(stages, p.base, scope, self.escape)
            stages.append(
                Stage(
                    p.index,
                    p.name,
                    p.base,
                    p.platform,
                    p.from_instruction,
                    tuple(p.instructions),
                    parent.index if parent else None,
                )
            )
        return Dockerfile(
            source,
            directives=self.directives,
            directive_lines=self.directive_lines,
            escape=self.escape,
            preamble=preamble,
            stages=stages,
            comments=self.comments,
            target=target,
        )

    def _new_stage(self, ins: Instruction, index: int) -> _Pending:
        words = _split_words(ins.args, self.escape)
        name: str | None = None
        if len(words) == 3 and words[1].lower() == "as":
            # An invalid name (``AS 1st``) does not build; it is kept so that DOCKER-020 can
            # report it with the other stage-reference mistakes instead of a bare parse error.
            name = words[2].lower()
        elif len(words) != 1:
            raise ParseError("FROM requires either one or three arguments", ins.line)
        ins = dataclasses.replace(ins, stage=index)
        return _Pending(index, name, words[0], ins.flag("platform"), ins)


def _global_scope(
    global_args: Sequence[Instruction], build_args: Mapping[str, str], escape: str
) -> Scope:
    # In FROM lines an undeclared variable is simply empty, except the builder's own ARGs.
    scope = Scope(undeclared=Unresolved.UNSET)
    for ins in global_args:
        for kv in ins.pairs:
            scope.args[kv.name] = _arg_value(kv, scope, build_args, None, escape)
    return scope


def _earlier_stage(earlier: Sequence[Stage], base: str, scope: Scope, escape: str) -> Stage | None:
    """The stage named by a FROM, searching only earlier stages (the nearest wins)."""
    exp = expand(base, scope.lookup, escape)
    if not exp.resolved:
        return None
    low = exp.text.strip().lower()
    for st in reversed(earlier):
        if st.name == low:
            return st
    return None


def _arg_value(
    kv: KeyValue,
    scope: Scope,
    build_args: Mapping[str, str],
    inherited: VarValue | None,
    escape: str,
) -> VarValue:
    """The value an ARG declaration gives its variable."""
    if kv.name in build_args:
        return build_args[kv.name]
    if kv.value is not None:
        return expand(kv.value, scope.lookup, escape).value_kind
    if inherited is not None:  # `ARG NAME` inside a stage re-declares a global ARG
        return inherited
    if kv.name in AUTOMATIC_ARGS:
        return Unresolved.UNKNOWN
    return Unresolved.UNSET


def _args_key(build_args: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(build_args.items())) if build_args else ()


def parse(source: Source, target: str | None = None) -> ParsedFile:
    """Parse one Dockerfile into a single ``Dockerfile`` subject.

    ``target`` is the ``docker.target`` setting: the subject is labelled (and waived at)
    the stage that is shipped, so its items are named after that stage.
    """
    df = _Parser(source.text).run(source, target)
    return ParsedFile(source=source, kind="dockerfile", subjects=[df])


# --------------------------------------------------------------------------- subject


class Dockerfile(Subject[None]):
    """A parsed Dockerfile; policies judge its shipped (final or target) stage.

    Every helper that depends on build args takes an optional ``build_args`` mapping
    (``context.options(DockerOptions).build_args``), like ``docker build --build-arg``.
    """

    kind: ClassVar[str] = "dockerfile"
    key: ClassVar[str] = "dockerfile"

    def __init__(
        self,
        source: Source,
        *,
        directives: Mapping[str, str],
        directive_lines: Mapping[str, int],
        escape: str,
        preamble: Sequence[Instruction],
        stages: Sequence[Stage],
        comments: Sequence[tuple[int, str]],
        target: str | None = None,
    ) -> None:
        self.directives = dict(directives)  # syntax / escape / check
        self.directive_lines = dict(directive_lines)
        self.escape = escape
        self.preamble = tuple(preamble)  # instructions before the first FROM
        self.stages = tuple(stages)
        self.comments = tuple(comments)  # (line, text) of whole-line comments
        self._global_default = _global_scope(self.global_args, {}, escape)
        # Derived analyses shared by the policies of one run (scopes, RUN scripts): every
        # policy evaluates the same file, so each is computed once per file.
        self.memo: dict[Any, Any] = {}  # its RUN scripts point back here: ``release``
        self.pragma_target = self._pragma_target()
        # Items are named after the shipped stage: ``stage:runtime`` for a named stage, its
        # index (``stage:2``) for an unnamed one.
        shipped = self.target_stage(target)
        super().__init__(source, f"stage:{shipped.label}", shipped.from_line)

    # -- structure

    @property
    def global_args(self) -> tuple[Instruction, ...]:
        """ARGs before the first FROM: usable only in FROM lines."""
        return tuple(i for i in self.preamble if i.keyword == "ARG")

    @property
    def instructions(self) -> list[Instruction]:
        """Every instruction in file order, FROMs and ONBUILD wrappers included (triggers
        are in ``Stage.triggers``)."""
        out = list(self.preamble)
        for st in self.stages:
            out.append(st.from_instruction)
            out.extend(st.instructions)
        return out

    @property
    def final_stage(self) -> Stage:
        return self.stages[-1]

    def release(self) -> None:
        self.memo.clear()

    def stage(self, ref: str | int) -> Stage | None:
        """A stage by name (case-insensitive) or index."""
        if isinstance(ref, int) or ref.isdigit():
            idx = ref if isinstance(ref, int) else whole_number(ref)
            if idx is None:  # a digit Python's int() refuses (U+00B2), or too big a number
                return None
            return self.stages[idx] if 0 <= idx < len(self.stages) else None
        low = ref.lower()
        for st in self.stages:
            if st.name == low:
                return st
        return None

    def target_stage(self, target: str | int | None = None) -> Stage:
        """The shipped stage: the ``# devops-policy: target=`` pragma, else ``target``
        (``docker.target``) when this file has such a stage, else the last stage."""
        if self.pragma_target is not None:
            return self.pragma_target
        if target is not None:
            found = self.stage(target)
            if found is not None:
                return found
        return self.stages[-1]

    def shipped_title(self, stage: Stage) -> str:
        """How messages name the shipped stage: ``final stage 'runtime'``, ``final stage #1``,
        or ``the image`` for a single unnamed stage."""
        if stage.name is None and len(self.stages) == 1:
            return "the image"
        return f"final stage {stage.display}"

    def stage_title(self, stage: Stage) -> str:
        """How messages name any stage: ``stage 'build'``, ``stage #0``, or ``the image``
        for a single unnamed stage."""
        if stage.name is None and len(self.stages) == 1:
            return "the image"
        return f"stage {stage.display}"

    def parent(self, stage: Stage, build_args: Mapping[str, str] | None = None) -> Stage | None:
        """The earlier stage ``stage`` is FROM, if any."""
        if not build_args:
            return self.stages[stage.parent] if stage.parent is not None else None
        scope = self.global_scope(build_args)
        return _earlier_stage(self.stages[: stage.index], stage.base, scope, self.escape)

    def chain(self, stage: Stage, build_args: Mapping[str, str] | None = None) -> list[Stage]:
        """``stage`` and the stages it is built FROM, root first."""
        out = [stage]
        cur: Stage | None = self.parent(stage, build_args)
        while cur is not None:
            out.append(cur)
            cur = self.parent(cur, build_args)
        out.reverse()
        return out

    def waiver_lines(self) -> Iterable[int]:
        # The shipped stage's FROM, and the top of the file (a file-wide waiver sits
        # before the first FROM, possibly above the global ARGs).
        lines = {self.line, self.stages[0].from_line}
        if self.preamble:
            lines.add(self.preamble[0].line)
        return sorted(lines)

    # -- variables

    def global_scope(self, build_args: Mapping[str, str] | None = None) -> Scope:
        if not build_args:
            return self._global_default
        return _global_scope(self.global_args, build_args, self.escape)

    def scope(
        self, at: Instruction | Stage | None = None, build_args: Mapping[str, str] | None = None
    ) -> Scope:
        """Variables visible just before instruction ``at`` (or at the end of stage ``at``;
        or in FROM lines when ``at`` is None, a FROM or a pre-FROM instruction).

        ENV is inherited through the parent chain; ARGs are per stage and a bare
        ``ARG NAME`` in a stage takes the global ARG's value. An ONBUILD trigger runs in
        the child's build: it sees the stage's final ENV and the triggers before it, and
        none of this build's ARGs.
        """
        if at is None:
            return self.global_scope(build_args)
        if isinstance(at, Instruction):
            if at.stage is None or at.keyword == "FROM":
                return self.global_scope(build_args)
            if at.onbuild:
                return self._trigger_scope(at, build_args)
            stage, before = self.stages[at.stage], at
        else:
            stage, before = at, None
        global_scope = self.global_scope(build_args)
        args_in: Mapping[str, str] = build_args or {}
        env: dict[str, VarValue] = {}
        args: dict[str, VarValue] = {}
        for st in self.chain(stage, build_args):
            args = {}
            for ins in st.instructions:
                if ins is before:
                    break
                self._declare(ins, env, args, args_in, global_scope.args.get)
        return Scope(env, args)

    def _trigger_scope(self, at: Instruction, build_args: Mapping[str, str] | None) -> Scope:
        assert at.stage is not None
        stage = self.stages[at.stage]
        env = dict(self.scope(stage, build_args).env)  # the image's ENV, as the child gets it
        args: dict[str, VarValue] = {}
        for trigger in stage.triggers:
            if trigger is at:
                break
            # The child's build args and global ARGs are not known here.
            self._declare(trigger, env, args, {}, lambda _name: Unresolved.UNKNOWN)
        return Scope(env, args)

    def _declare(
        self,
        ins: Instruction,
        env: dict[str, VarValue],
        args: dict[str, VarValue],
        given: Mapping[str, str],
        inherited: Callable[[str], VarValue | None],
    ) -> None:
        """Apply an ARG or ENV to the variables (anything else leaves them alone)."""
        if ins.keyword == "ARG":
            for kv in ins.pairs:
                args[kv.name] = _arg_value(
                    kv, Scope(env, args), given, inherited(kv.name), self.escape
                )
        elif ins.keyword == "ENV":
            # All pairs of one ENV see the variables as they were before it.
            snapshot = Scope(dict(env), dict(args))
            for kv in ins.pairs:
                env[kv.name] = expand(kv.value or "", snapshot.lookup, self.escape).value_kind

    def resolve(
        self,
        text: str,
        at: Instruction | Stage | None = None,
        build_args: Mapping[str, str] | None = None,
    ) -> Expansion:
        """Expand ``text`` with the ARG/ENV values visible at ``at`` (see ``scope``)."""
        key = ("scope", id(at), _args_key(build_args))
        scope = self.memo.get(key)
        if scope is None:
            scope = self.memo[key] = self.scope(at, build_args)
        return expand(text, scope.lookup, self.escape)

    # -- images and users

    def base_image(self, stage: Stage, build_args: Mapping[str, str] | None = None) -> Expansion:
        """The FROM text of ``stage`` resolved with the global ARGs."""
        return expand(stage.base, self.global_scope(build_args).lookup, self.escape)

    def root_image(
        self, stage: Stage, build_args: Mapping[str, str] | None = None
    ) -> tuple[Stage, Expansion]:
        """The first stage of the chain and the external image (or scratch) it starts from."""
        root = self.chain(stage, build_args)[0]
        return root, self.base_image(root, build_args)

    def is_windows(self, stage: Stage, build_args: Mapping[str, str] | None = None) -> bool:
        if self.escape == "`":
            return True
        _root, image = self.root_image(stage, build_args)
        return image.resolved and is_windows_image(image.text)

    def effective_user(
        self, stage: Stage, build_args: Mapping[str, str] | None = None
    ) -> User | None:
        """The last USER in the chain of ``stage`` (None: no USER, the base image decides)."""
        for st in reversed(self.chain(stage, build_args)):
            for ins in reversed(st.instructions):
                if ins.keyword == "USER":
                    return User(ins, st, self.resolve(ins.args, ins, build_args))
        return None

    def shell(
        self, at: Instruction, build_args: Mapping[str, str] | None = None
    ) -> tuple[str, ...]:
        """The shell a shell-form instruction at ``at`` runs with (SHELL is inherited; an
        ONBUILD trigger runs with the stage's last SHELL and the SHELL triggers before it)."""
        if at.stage is None:
            return ("/bin/sh", "-c")
        stage = self.stages[at.stage]
        current: tuple[str, ...] | None = None
        for st in self.chain(stage, build_args):
            for ins in st.steps if at.onbuild and st is stage else st.instructions:
                if ins is at:
                    break
                if ins.keyword == "SHELL" and ins.exec_form is not None:
                    current = ins.exec_form
        if current is not None:
            return current
        return ("cmd", "/S", "/C") if self.is_windows(stage, build_args) else ("/bin/sh", "-c")

    def pulled_images(
        self, build_args: Mapping[str, str] | None = None
    ) -> Iterator[tuple[ImageReference, ImageRef | None, str | None]]:
        """Every image the build pulls from a registry (not scratch, not an earlier stage),
        as (reference, parsed image, why it cannot be checked statically or None)."""
        for ref in self.image_references(build_args):
            if ref.stage is not None:  # an earlier build stage, not a pulled image
                continue
            line = ref.instruction.line
            if not ref.expansion.resolved:
                yield (
                    ref,
                    None,
                    (
                        f"{ref.describe()} (line {line}) depends on {ref.expansion.why()} "
                        "(docker.build_args can supply one)"
                    ),
                )
                continue
            if ref.is_scratch:
                continue
            image = ref.image
            if image is None:  # resolves to an empty string: the build itself would fail
                yield ref, None, f"{ref.describe()} (line {line}) resolves to an empty image name"
                continue
            yield ref, image, None

    def image_references(self, build_args: Mapping[str, str] | None = None) -> list[ImageReference]:
        """Every image named by FROM, ``COPY --from`` and ``RUN --mount=...,from=``, in order.

        ONBUILD triggers are not included: they run in someone else's build.
        """
        out: list[ImageReference] = []
        for st in self.stages:
            base = self.base_image(st, build_args)
            parent = self.parent(st, build_args)
            out.append(ImageReference(st.from_instruction, "FROM", st.base, base, parent))
            for ins in st.instructions:
                if ins.keyword == "COPY":
                    for value in ins.flag_values("from"):
                        out.append(self._from_reference(ins, st, "COPY --from", value, build_args))
                elif ins.keyword == "RUN":
                    for mount in ins.mounts:
                        if "from" in mount:
                            out.append(
                                self._from_reference(
                                    ins, st, "RUN --mount from", mount["from"], build_args
                                )
                            )
        return out

    def _from_reference(
        self,
        ins: Instruction,
        stage: Stage,
        source: str,
        value: str,
        build_args: Mapping[str, str] | None,
    ) -> ImageReference:
        exp = self.resolve(value, ins, build_args)
        target: Stage | None = None
        if exp.resolved:
            # BuildKit resolves --from against every stage name (or a stage index).
            target = self.stage(exp.text.strip())
        return ImageReference(ins, source, value, exp, target)

    def directive(self, name: str) -> tuple[str, int] | None:
        """A parser directive's value and line: ``directive("syntax")``."""
        key = name.lower()
        if key not in self.directives:
            return None
        return self.directives[key], self.directive_lines[key]

    def copy_paths(self, ins: Instruction) -> CopyPaths:
        """The sources and destination of a COPY or ADD (its own, or an ONBUILD trigger's)."""
        if ins.keyword not in ("COPY", "ADD"):
            raise ValueError(f"{ins.keyword} (line {ins.line}) is not COPY or ADD")
        if ins.exec_form is not None:
            words = list(ins.exec_form)
            return CopyPaths(tuple(CopySource(w) for w in words[:-1]), words[-1])
        # BuildKit splits the shell form of COPY/ADD on blanks only, quotes or not (paths
        # with blanks need the JSON form); quotes are removed per word when expanding.
        words = _WS_SPLIT.split(ins.args.strip())
        pending = list(ins.heredocs)
        sources: list[CopySource] = []
        for word in words[:-1]:
            m = _HEREDOC_WORD.match(word)
            doc = None
            # The heredocs were read in the order their words appear on the line.
            if m and pending and _unquote(m.group(3), self.escape) == pending[0].name:
                doc = pending.pop(0)
            sources.append(CopySource(word, doc))
        return CopyPaths(tuple(sources), words[-1])

    def container_command(
        self, stage: Stage, build_args: Mapping[str, str] | None = None
    ) -> ContainerCommand:
        """The ENTRYPOINT and CMD a container of ``stage`` runs, through its parent chain.

        The last of each wins, except that an ENTRYPOINT drops the CMD inherited from the
        parent (stage or image) unless its own stage set a CMD before it, as BuildKit does.
        An empty exec form (``ENTRYPOINT []``) clears the value.
        """
        entrypoint: Instruction | None = None
        cmd: Instruction | None = None
        for st in self.chain(stage, build_args):
            cmd_set_here = False
            for ins in st.instructions:
                if ins.keyword == "CMD":
                    cmd, cmd_set_here = ins, True
                elif ins.keyword == "ENTRYPOINT":
                    entrypoint = ins
                    if not cmd_set_here:
                        cmd = None
        return ContainerCommand(_unless_empty(entrypoint), _unless_empty(cmd))

    # -- internals

    def _pragma_target(self) -> Stage | None:
        for line, text in self.comments:
            m = _PRAGMA_TARGET.match(text.strip())
            if m:
                found = self.stage(m.group(1))
                if found is None:
                    raise ParseError(
                        f"'# devops-policy: target=' names no stage: {m.group(1)!r}", line
                    )
                return found
        return None


def _unless_empty(ins: Instruction | None) -> Instruction | None:
    """``CMD []`` / ``ENTRYPOINT []`` (or no arguments at all) set nothing to run."""
    if ins is None or ins.exec_form == () or not ins.args.strip():
        return None
    return ins
