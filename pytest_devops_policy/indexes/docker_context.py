"""The build context of a Dockerfile: where it is, what ``.dockerignore`` excludes, and what
every ``COPY``/``ADD`` takes from it.

* **Where.** The context directory is the Dockerfile's directory, unless the setting
  ``docker.context`` names another one (relative to the rootdir, or absolute), unless the
  Dockerfile itself says ``# devops-policy: context= ../..`` (relative to the Dockerfile),
  which wins because it travels with the file.
* **Ignore file.** BuildKit reads ``<Dockerfile-name>.dockerignore`` next to the Dockerfile
  when it exists, and ``<context>/.dockerignore`` otherwise (never both).
* **Pattern semantics** are Docker's (``moby/patternmatcher`` and its ``ignorefile``
  reader), which differ from ``.gitignore``: a line starting with ``#`` is a comment (only
  in column 1), blank lines are skipped, a leading ``/`` is dropped and the pattern is
  ``filepath.Clean``-ed; ``*`` and ``?`` never cross ``/``, ``**`` matches any number of
  directories; ``!`` re-includes and the last matching pattern wins; a pattern also matches
  every path below a directory it matches (``dir`` excludes ``dir/x``), and a ``!`` can
  re-include a file inside an excluded directory.
* **COPY sources** are expanded the way BuildKit does: ``filepath.Match`` wildcards (``*``,
  ``?``, ``[...]``, no ``**``) matched segment by segment against the (already filtered)
  context; a directory source ships every file below it.

Why hand-written: no maintained PyPI library implements these semantics. ``pathspec``
implements ``.gitignore`` (different ``!`` and ``**`` rules); the ``docker`` SDK carries a
private, unexported port in ``docker/utils/build.py``; ``dockerignore-find`` (0.1.0, 2022) and
``ignore-file`` (2019) are unmaintained; ``e2b-dockerfile-utils`` (0.1.x, 2026) ports
patternmatcher but needs Python 3.11, while this plugin supports 3.10.

Safety: directories are listed, never recursed through symlinks (no loops), walks stop at
``docker.context_max_files`` entries and ``MAX_DEPTH`` levels, the ignore file is read only
up to ``MAX_IGNORE_BYTES``, file contents only up to ``MAX_CONTENT_BYTES`` (and only for
``*.pem`` files), and an unreadable or binary file is never an exception.

Every directory listed and file read is recorded: ``dependencies`` hands them to the result
cache, so a changed ``.dockerignore`` or a new file matching a ``COPY`` glob invalidates the
cached outcome (directories are digested by their entry names, files by content).
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.formats.dockerfile.parser import (
    CopySource,
    Dockerfile,
    Expansion,
    Instruction,
    Stage,
)
from pytest_devops_policy.knowledge.secrets.files import SECRET_FILE_ENVS, secret_file_kind
from pytest_devops_policy.options import DockerOptions, Options
from pytest_devops_policy.options.docker import DEFAULT_MAX_FILES

__all__ = [
    "DEFAULT_MAX_FILES",
    "BuildContext",
    "ContextFile",
    "ContextLocation",
    "ContextScan",
    "ContextSource",
    "DockerIgnore",
    "IgnoreFileError",
    "IgnorePattern",
    "dependencies",
    "display_path",
    "go_clean",
    "has_wildcards",
    "locate",
    "match_segment",
    "scan",
    "workdir",
]

MAX_DEPTH = 32
MAX_IGNORE_BYTES = 1024 * 1024
MAX_CONTENT_BYTES = 1024 * 1024
# Never descended into: nothing in them has a secret-file name, and the pytest cache changes
# on every run, which would make every cached result of a `COPY .` stale.
_NO_DESCENT = frozenset({".git", ".pytest_cache"})
_PRAGMA_CONTEXT = re.compile(r"^#\s*devops-policy:\s*context\s*=\s*(.*?)\s*$", re.I)
_REMOTE = re.compile(r"^(?:https?://|git@|git://|ssh://)", re.I)

EntryKind = Literal["dir", "file", "link", "other"]


# --------------------------------------------------------------------------- Go path helpers


def go_clean(path: str) -> str:
    """Go's ``path.Clean`` (``posixpath.normpath`` keeps a leading ``//``; Go does not)."""
    if not path:
        return "."
    rooted = path.startswith("/")
    out: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            continue
        out.append(part)
    cleaned = "/".join(out)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def has_wildcards(text: str) -> bool:
    """BuildKit's ``containsWildcards``: ``*``, ``?`` or ``[`` not escaped by ``\\``."""
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c in "*?[":
            return True
        i += 1
    return False


def _class_char(pattern: str, i: int) -> tuple[str, int] | None:
    """One character of a ``[...]`` class (Go's ``getEsc``); None: malformed."""
    if i >= len(pattern) or pattern[i] in "-]":
        return None
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            return None
    if i + 1 >= len(pattern):  # the class must still be closed
        return None
    return pattern[i], i + 1


def _match_regex(pattern: str) -> str | None:
    """Go's ``filepath.Match`` syntax as a regex body (``*``/``?`` never cross ``/``);
    None for a malformed pattern (Go's ``ErrBadPattern``)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "\\":
            if i + 1 >= n:
                return None
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif c == "[":
            i += 1
            negate = i < n and pattern[i] == "^"
            if negate:
                i += 1
            items: list[str] = []
            count = 0
            while True:
                if i < n and pattern[i] == "]" and count:
                    i += 1
                    break
                got = _class_char(pattern, i)
                if got is None:
                    return None
                lo, i = got
                hi = lo
                if pattern[i] == "-":
                    got = _class_char(pattern, i + 1)
                    if got is None:
                        return None
                    hi, i = got
                count += 1
                if lo <= hi:  # Go accepts an empty range; it just never matches
                    items.append(re.escape(lo) if lo == hi else f"{re.escape(lo)}-{re.escape(hi)}")
            if items:
                out.append(f"[{'^' if negate else ''}{''.join(items)}]")
            else:
                out.append("[^/]" if negate else "(?!)")
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def _segment_regex(pattern: str) -> re.Pattern[str] | None:
    body = _match_regex(pattern)
    return re.compile(body + r"\Z", re.S) if body is not None else None


def match_segment(pattern: str, name: str) -> bool:
    """``filepath.Match(pattern, name)`` for one path segment (a malformed pattern never
    matches; BuildKit would refuse the build)."""
    rx = _segment_regex(pattern)
    return rx is not None and rx.match(name) is not None


# --------------------------------------------------------------------------- .dockerignore


class IgnoreFileError(Exception):
    """A ``.dockerignore`` that Docker itself would refuse (``!`` alone, a bad ``[`` class)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


_REGEX_META = frozenset(".+()|{}$")


@dataclass(frozen=True)
class IgnorePattern:
    """One cleaned pattern, compiled the way ``patternmatcher`` compiles it."""

    text: str  # without the leading '!'
    exclusion: bool  # a '!' line: re-includes
    line: int
    kind: Literal["exact", "prefix", "suffix", "regexp"]
    regex: re.Pattern[str] | None

    @classmethod
    def compile(cls, text: str, exclusion: bool, line: int) -> IgnorePattern:
        reg = ["^"]
        kind: Literal["exact", "prefix", "suffix", "regexp"] = "exact"
        i, n, step = 0, len(text), 0
        while i < n:
            ch = text[i]
            i += 1
            if ch == "*":
                if i < n and text[i] == "*":
                    i += 1
                    if i < n and text[i] == "/":
                        i += 1
                    if i >= n:
                        if kind == "exact":
                            kind = "prefix"
                        else:
                            reg.append(".*")
                            kind = "regexp"
                    else:
                        reg.append("(.*/)?")
                        kind = "regexp"
                    if step == 0:
                        kind = "suffix"
                else:
                    reg.append("[^/]*")
                    kind = "regexp"
            elif ch == "?":
                reg.append("[^/]")
                kind = "regexp"
            elif ch in _REGEX_META:
                reg.append("\\" + ch)
            elif ch == "\\":
                if i < n:
                    reg.append("\\" + text[i])
                    i += 1
                    kind = "regexp"
                else:
                    reg.append("\\\\")
            elif ch in "[]":
                reg.append(ch)
                kind = "regexp"
            else:
                reg.append(ch)
            step += 1
        regex = None
        if kind == "regexp":
            try:
                regex = re.compile("".join(reg) + r"\Z", re.S)
            except re.error as exc:
                raise IgnoreFileError(f"invalid pattern {text!r}: {exc}", line) from None
        return cls(text, exclusion, line, kind, regex)

    @property
    def source(self) -> str:
        return ("!" if self.exclusion else "") + self.text

    def match(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            if path.endswith(suffix):
                return True
            return suffix.startswith("/") and path == suffix[1:]
        return self.regex is not None and self.regex.match(path) is not None

    def may_match_below(self, directory: str) -> bool:
        """Could this pattern match ``directory``, an ancestor of it, or something inside it?
        (Conservative: a ``**`` always could.)"""
        if "**" in self.text:
            return True
        dirs = self.text.split("/")
        segs = directory.split("/")
        return all(match_segment(p, s) for p, s in zip(dirs, segs, strict=False))


def read_patterns(text: str) -> list[tuple[int, str]]:
    """``ignorefile.ReadAll``: (line, pattern) with ``!`` kept as a prefix."""
    out: list[tuple[int, str]] = []
    for lineno, raw in enumerate(text.split("\n"), start=1):
        if lineno == 1:
            raw = raw.removeprefix("\ufeff")
        raw = raw.removesuffix("\r")
        if raw.startswith("#"):  # only in column 1: " # x" is a pattern
            continue
        pattern = raw.strip()
        if not pattern:
            continue
        invert = pattern.startswith("!")
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = go_clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        out.append((lineno, "!" + pattern if invert else pattern))
    return out


@dataclass(frozen=True)
class DockerIgnore:
    """The patterns of one ignore file (or of ``COPY --exclude`` flags)."""

    patterns: tuple[IgnorePattern, ...]
    path: str | None = None  # the file they came from

    @classmethod
    def parse(cls, text: str, path: str | None = None) -> DockerIgnore:
        return cls.from_patterns(read_patterns(text), path)

    @classmethod
    def from_patterns(
        cls, patterns: Iterable[tuple[int, str]], path: str | None = None
    ) -> DockerIgnore:
        """``patternmatcher.New``: raises ``IgnoreFileError`` where Docker refuses the file."""
        out: list[IgnorePattern] = []
        for line, raw in patterns:
            p = raw.strip()
            if not p:
                continue
            p = go_clean(p)
            exclusion = p.startswith("!")
            if exclusion:
                if len(p) == 1:
                    raise IgnoreFileError('illegal exclusion pattern: "!"', line)
                p = p[1:]
            if _match_regex(p) is None:
                raise IgnoreFileError(f"syntax error in pattern {p!r}", line)
            out.append(IgnorePattern.compile(p, exclusion, line))
        return cls(tuple(out), path)

    @property
    def has_exclusions(self) -> bool:
        return any(p.exclusion for p in self.patterns)

    def excluded(self, path: str) -> bool:
        """``MatchesOrParentMatches``: is the context-relative ``path`` left out?"""
        path = go_clean(path)
        if path == "." or not self.patterns:
            return False
        parent = posixpath.dirname(path) or "."
        parents = parent.split("/")
        matched = False
        for p in self.patterns:
            if p.exclusion != matched:
                continue
            hit = p.match(path)
            if not hit and parent != ".":
                hit = any(p.match("/".join(parents[: i + 1])) for i in range(len(parents)))
            if hit:
                matched = not p.exclusion
        return matched

    def prunable(self, directory: str) -> bool:
        """An excluded directory no ``!`` pattern can reach into: skip it entirely."""
        if not self.excluded(directory):
            return False
        return not any(p.exclusion and p.may_match_below(directory) for p in self.patterns)


# --------------------------------------------------------------------------- location


@dataclass(frozen=True)
class ContextLocation:
    """The context directory of one Dockerfile and how it was chosen."""

    root: str  # absolute
    origin: str  # for messages
    dockerfile: str  # absolute path of the Dockerfile

    @property
    def ignore_candidates(self) -> tuple[str, str]:
        """In BuildKit's order: the Dockerfile-specific file wins over the context's."""
        return (self.dockerfile + ".dockerignore", os.path.join(self.root, ".dockerignore"))


def context_pragma(comments: Iterable[tuple[int, str]]) -> tuple[int, str] | None:
    """The first ``# devops-policy: context= <dir>`` comment: (line, dir)."""
    for line, text in comments:
        m = _PRAGMA_CONTEXT.match(text.strip())
        if m:
            return line, m.group(1).strip().strip("\"'")
    return None


def display_path(path: str, context: Context | None = None, directory: bool = False) -> str:
    """``path`` as reports show it: relative to the rootdir when inside it."""
    rel = context.cache.relpath(path) if context is not None else path
    if directory:
        return "./" if rel == "." else rel.rstrip("/") + "/"
    return rel


def locate(dockerfile: Dockerfile, context: Context | None = None) -> ContextLocation:
    path = os.path.abspath(dockerfile.source.path)
    here = os.path.dirname(path)
    pragma = context_pragma(dockerfile.comments)
    if pragma is not None:
        line, value = pragma
        root = os.path.normpath(os.path.join(here, value or "."))
        return ContextLocation(root, f"the context pragma on line {line}", path)
    setting = context.options(DockerOptions).context if context is not None else None
    if setting:
        base = context.cache.rootdir if context is not None else os.getcwd()
        root = os.path.normpath(os.path.join(base, os.path.expanduser(setting)))
        return ContextLocation(root, "docker.context", path)
    return ContextLocation(here, "the Dockerfile's directory", path)


# --------------------------------------------------------------------------- filesystem


class BuildContext:
    """Bounded, recorded access to one context directory. Paths are context-relative and
    ``/``-separated (``.`` is the root); ``reads`` collects every absolute path consulted."""

    def __init__(
        self,
        root: str,
        ignore: DockerIgnore | None,
        max_files: int = DEFAULT_MAX_FILES,
        readable: bool = True,
    ) -> None:
        self.root = root
        self.ignore = ignore
        self.max_files = max_files
        self.readable = readable  # False: outside the repository, never listed
        self.reads: set[str] = set()
        self._listings: dict[str, dict[str, EntryKind] | None] = {}

    def abspath(self, rel: str) -> str:
        return self.root if rel == "." else os.path.join(self.root, *rel.split("/"))

    def entries(self, rel: str) -> Mapping[str, EntryKind] | None:
        """The directory's entries by kind (symlinks are ``link``, never followed); None when
        it is not a listable directory."""
        if rel in self._listings:
            return self._listings[rel]
        if not self.readable:
            return None
        path = self.abspath(rel)
        self.reads.add(path)
        out: dict[str, EntryKind] | None = {}
        try:
            with os.scandir(path) as it:
                for entry in it:
                    kind: EntryKind
                    try:
                        if entry.is_symlink():
                            kind = "link"
                        elif entry.is_dir(follow_symlinks=False):
                            kind = "dir"
                        elif entry.is_file(follow_symlinks=False):
                            kind = "file"
                        else:
                            kind = "other"
                    except OSError:
                        kind = "other"
                    assert out is not None
                    out[entry.name] = kind
        except OSError:
            out = None
        self._listings[rel] = out
        return out

    def kind(self, rel: str) -> EntryKind | None:
        if rel == ".":
            return "dir"
        parent, name = posixpath.split(rel)
        listing = self.entries(parent or ".")
        return listing.get(name) if listing is not None else None

    def excluded(self, rel: str) -> bool:
        return self.ignore is not None and self.ignore.excluded(rel)

    def read_head(self, rel: str, limit: int = MAX_CONTENT_BYTES) -> bytes | None:
        """The file's bytes if it is a regular file of at most ``limit`` bytes, else None."""
        path = self.abspath(rel)
        self.reads.add(path)
        return _read_regular(path, limit)

    def glob(self, pattern: str) -> list[str]:
        """Context entries matching a ``filepath.Match`` pattern, segment by segment, without
        following symlinked directories. Excluded files are left out; directories stay (a
        ``!`` pattern may re-include something inside)."""
        current = ["."]
        segments = pattern.split("/")
        for i, seg in enumerate(segments):
            last = i == len(segments) - 1
            found: list[str] = []
            for base in current:
                listing = self.entries(base)
                if not listing:
                    continue
                if has_wildcards(seg):
                    names = [name for name in sorted(listing) if match_segment(seg, name)]
                else:
                    names = [seg] if seg in listing else []
                for name in names:
                    if last or listing[name] == "dir":
                        found.append(name if base == "." else f"{base}/{name}")
            current = found
        return [p for p in current if self.kind(p) == "dir" or not self.excluded(p)]

    def walk(self, top: str, exclude: DockerIgnore | None = None) -> tuple[list[str], str | None]:
        """Files below directory ``top`` that ship: (files, why the walk is incomplete).

        ``exclude`` (``COPY --exclude``) is matched relative to ``top``. Symlinks are not
        followed and not listed (they ship as links, not as the content they point at)."""
        files: list[str] = []
        if top != "." and self.ignore is not None and self.ignore.prunable(top):
            return files, None
        visited = 0
        incomplete: str | None = None
        stack: list[tuple[str, int]] = [(top, 0)]
        while stack:
            directory, depth = stack.pop()
            listing = self.entries(directory)
            if listing is None:
                incomplete = f"'{directory}' cannot be listed"
                continue
            subdirs: list[str] = []
            for name in sorted(listing):
                visited += 1
                if visited > self.max_files:
                    return files, (
                        f"'{top}' holds more than {self.max_files} entries "
                        "(docker.context_max_files)"
                    )
                kind = listing[name]
                child = name if directory == "." else f"{directory}/{name}"
                inner = child if top == "." else child[len(top) + 1 :]
                if kind == "dir":
                    if name in _NO_DESCENT:
                        continue
                    if self.ignore is not None and self.ignore.prunable(child):
                        continue
                    if exclude is not None and exclude.prunable(inner):
                        continue
                    if depth + 1 > MAX_DEPTH:
                        incomplete = f"'{child}' is nested more than {MAX_DEPTH} levels deep"
                        continue
                    subdirs.append(child)
                elif kind == "file":
                    if self.excluded(child) or (exclude is not None and exclude.excluded(inner)):
                        continue
                    files.append(child)
            stack.extend((d, depth + 1) for d in reversed(subdirs))
        files.sort()
        return files, incomplete


def _read_regular(path: str, limit: int) -> bytes | None:
    """A regular file's bytes, if it has at most ``limit`` of them. Checked before opening:
    opening a FIFO or a device could block or never end."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None


def pem_holds_only_certificates(data: bytes) -> bool:
    """A PEM bundle of public certificates (a CA bundle) is not secret-bearing."""
    return b"-----BEGIN CERTIFICATE-----" in data and b"PRIVATE KEY" not in data


# --------------------------------------------------------------------------- COPY / ADD sources


@dataclass(frozen=True)
class ContextFile:
    """One file a source takes from the context."""

    path: str  # context-relative
    root: str  # the source entry it was found under (== path for a file source)
    present: bool  # False: named by the Dockerfile but not in the context now
    secret: str | None  # what kind of credential file it is (secretfiles), or None


@dataclass(frozen=True)
class ContextSource:
    """One source of a ``COPY``/``ADD`` without ``--from``, resolved against the context."""

    instruction: Instruction
    word: str  # as written
    expansion: Expansion | None  # None for heredocs
    kind: Literal["context", "heredoc", "remote", "unresolved"]
    path: str | None = None  # context-relative, cleaned ('.' = the whole context)
    glob: bool = False
    files: tuple[ContextFile, ...] = ()
    incomplete: str | None = None  # the walk stopped early: files may be missing
    secret_env: str | None = None  # a secret-file env var the word references

    @property
    def whole_context(self) -> bool:
        """``.``, ``./``, ``/``: the whole context (``*`` too: every top-level entry)."""
        return self.kind == "context" and self.path in (".", "*")

    @property
    def shown(self) -> str:
        if self.expansion is not None and self.expansion.text != self.word:
            return f"{self.word} (= {self.expansion.text})"
        return self.word


def _context_path(text: str) -> str:
    """A source path as BuildKit resolves it: inside the context, ``..`` cannot escape."""
    return go_clean("/" + text.strip()).lstrip("/") or "."


def _file(bctx: BuildContext, path: str, root: str, present: bool) -> ContextFile:
    kind = secret_file_kind(path)
    if kind is not None and present and path.lower().endswith(".pem"):
        data = bctx.read_head(path)
        if data is not None and pem_holds_only_certificates(data):
            kind = None  # a CA bundle or a public certificate chain
    return ContextFile(path, root, present, kind)


def _remote_name(url: str) -> str:
    tail = re.split(r"[?#]", url, maxsplit=1)[0].rstrip("/")
    return posixpath.basename(tail)


def _scan_source(
    dockerfile: Dockerfile,
    ins: Instruction,
    source: CopySource,
    bctx: BuildContext,
    build_args: Mapping[str, str],
    exclude: DockerIgnore | None,
) -> ContextSource:
    word = source.raw
    if source.heredoc is not None:
        return ContextSource(ins, word, None, "heredoc")
    files: tuple[ContextFile, ...]
    exp = dockerfile.resolve(word, ins, build_args)
    env = next((n for n in exp.references if n in SECRET_FILE_ENVS), None)
    text = exp.text if exp.resolved else word
    if ins.keyword == "ADD" and _REMOTE.match(text.strip()):
        name = _remote_name(text.strip())
        files = ()
        if not text.strip().lower().startswith(("git@", "git://", "ssh://")) and name:
            files = (ContextFile(name, name, False, secret_file_kind(name)),)
        return ContextSource(ins, word, exp, "remote", files=files, secret_env=env)
    if not exp.resolved:
        # `COPY $DIR/.npmrc`: the directory is unknown, the file name is not.
        name = posixpath.basename(exp.text.rstrip("/"))
        files = ()
        if name and "$" not in name and not has_wildcards(name):
            files = (ContextFile(name, name, False, secret_file_kind(name)),)
        return ContextSource(ins, word, exp, "unresolved", files=files, secret_env=env)
    rel = _context_path(exp.text)
    if has_wildcards(rel):
        matches = bctx.glob(rel)
        if not matches:
            # Nothing matches now; what the pattern asks for may be generated before the
            # build, so judge the pattern's own name (`COPY *.pem /certs/`).
            files = (ContextFile(rel, rel, False, secret_file_kind(rel)),)
            return ContextSource(ins, word, exp, "context", rel, True, files, secret_env=env)
        out: list[ContextFile] = []
        incomplete = None
        for match in matches:
            if bctx.kind(match) == "dir":
                found, why = bctx.walk(match, exclude)
                out.extend(_file(bctx, f, match, True) for f in found)
                incomplete = incomplete or why
            elif exclude is None or not exclude.excluded(posixpath.basename(match)):
                out.append(_file(bctx, match, match, True))
        return ContextSource(ins, word, exp, "context", rel, True, tuple(out), incomplete, env)
    kind = bctx.kind(rel)
    if kind == "dir":
        found, incomplete = bctx.walk(rel, exclude)
        files = tuple(_file(bctx, f, rel, True) for f in found)
        return ContextSource(ins, word, exp, "context", rel, False, files, incomplete, env)
    if bctx.excluded(rel):
        # An ignored literal is not sent to the builder: the COPY fails, nothing ships.
        return ContextSource(ins, word, exp, "context", rel, secret_env=env)
    if exclude is not None and exclude.excluded(posixpath.basename(rel)):
        return ContextSource(ins, word, exp, "context", rel, secret_env=env)
    # A file, a symlink (judged by its own name), or a file generated before the build.
    files = (_file(bctx, rel, rel, kind is not None),)
    return ContextSource(ins, word, exp, "context", rel, False, files, secret_env=env)


# --------------------------------------------------------------------------- the scan


@dataclass
class ContextScan:
    """What every context COPY/ADD of one Dockerfile takes from its build context."""

    location: ContextLocation
    error: str | None  # the context directory is missing: nothing could be read
    ignore: DockerIgnore | None
    ignore_error: str | None  # the ignore file exists but cannot be used
    context: BuildContext
    sources: dict[Instruction, tuple[ContextSource, ...]] = field(default_factory=dict)

    @property
    def ignore_path(self) -> str | None:
        return self.ignore.path if self.ignore is not None else None

    def of(self, ins: Instruction) -> tuple[ContextSource, ...]:
        return self.sources.get(ins, ())


def _load_ignore(
    location: ContextLocation, reads: set[str], context: Context | None
) -> tuple[DockerIgnore | None, str | None]:
    for candidate in location.ignore_candidates:
        reads.add(candidate)
        shown = display_path(candidate, context)
        try:
            st = os.stat(candidate)
            if not stat.S_ISREG(st.st_mode):
                continue  # BuildKit reads a file; a directory or a FIFO is not one
            data = b""
            if st.st_size <= MAX_IGNORE_BYTES:
                with open(candidate, "rb") as fh:
                    data = fh.read(MAX_IGNORE_BYTES + 1)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            return None, f"{shown} cannot be read ({exc.strerror or exc})"
        if st.st_size > MAX_IGNORE_BYTES or len(data) > MAX_IGNORE_BYTES:
            return None, f"{shown} is larger than {MAX_IGNORE_BYTES} bytes and was not read"
        try:
            return DockerIgnore.parse(data.decode("utf-8", errors="replace"), candidate), None
        except IgnoreFileError as exc:
            return None, f"{shown} line {exc.line}: {exc.message} (docker build refuses it)"
    return None, None


def _context_instructions(dockerfile: Dockerfile) -> Iterable[Instruction]:
    """Every COPY/ADD that reads this build's context. Not ONBUILD triggers: a trigger's
    COPY reads the context of the build FROM this image (with that build's
    .dockerignore), which is not this directory."""
    for st in dockerfile.stages:
        for ins in st.instructions:
            if ins.keyword in ("COPY", "ADD") and not ins.has_flag("from"):
                yield ins


def scan(dockerfile: Dockerfile, context: Context | None = None) -> ContextScan:
    """The scan of ``dockerfile``'s context, done once per parsed file and settings in a run
    (and forgotten with the parsed file)."""
    options = context.options(DockerOptions) if context is not None else DockerOptions()
    key = _ScanKey(locate(dockerfile, context), options.build_args, options.context_max_files)
    if context is None:
        return _scan(dockerfile, key, None)
    return context.cache.memo_on(dockerfile, lambda: _scan(dockerfile, key, context), key)


@dataclass(frozen=True)
class _ScanKey:
    location: ContextLocation
    build_args: Mapping[str, str]
    max_files: int

    def __hash__(self) -> int:
        return hash((self.location, tuple(sorted(self.build_args.items())), self.max_files))


def _inside(path: str, root: str) -> bool:
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _scan(dockerfile: Dockerfile, key: _ScanKey, context: Context | None) -> ContextScan:
    location, build_args, max_files = key.location, key.build_args, key.max_files
    reads: set[str] = set()
    repository = context.cache.rootdir if context is not None else None
    inside = repository is None or _inside(location.root, repository)
    # A pragma or setting may name any directory; what lies outside the repository (the
    # host's / for `context= ../../..`) is never listed, read or printed.
    ignore, ignore_error = _load_ignore(location, reads, context) if inside else (None, None)
    bctx = BuildContext(location.root, ignore, max_files, readable=inside)
    bctx.reads |= reads
    error = None
    if not inside:
        error = (
            f"the build context (from {location.origin}) is outside the repository root: "
            "it is not read"
        )
    elif bctx.entries(".") is None:
        shown = display_path(location.root, context, directory=True)
        error = f"the build context {shown} (from {location.origin}) is not a directory"
    result = ContextScan(location, error, ignore, ignore_error, bctx)
    # Sources are resolved even without a context (which COPY is `COPY .` needs no files).
    for ins in _context_instructions(dockerfile):
        paths = dockerfile.copy_paths(ins)
        exclude = None
        patterns = [(ins.line, p) for p in ins.flag_values("exclude") if p.strip()]
        if patterns:
            try:
                exclude = DockerIgnore.from_patterns(patterns)
            except IgnoreFileError:
                exclude = None  # the build fails on it; judge without the exclusion
        result.sources[ins] = tuple(
            _scan_source(dockerfile, ins, src, bctx, build_args, exclude) for src in paths.sources
        )
    return result


# --------------------------------------------------------------------------- WORKDIR


def workdir(
    dockerfile: Dockerfile, at: Instruction, build_args: Mapping[str, str] | None = None
) -> str | None:
    """The working directory in effect at ``at`` (WORKDIR is inherited through the stage
    chain; an ONBUILD trigger runs after its whole stage and the triggers before it); None
    when it depends on the base image or an unresolved variable."""
    if at.stage is None:
        return None
    stage: Stage = dockerfile.stages[at.stage]
    chain = dockerfile.chain(stage, build_args)
    root_image = dockerfile.base_image(chain[0], build_args)
    current: str | None = None
    if root_image.resolved and root_image.text.strip().lower() == "scratch":
        current = "/"
    for st in chain:
        for ins in st.steps if at.onbuild and st is stage else st.instructions:
            if ins is at:
                return current
            if ins.keyword != "WORKDIR":
                continue
            exp = dockerfile.resolve(ins.args, ins, build_args)
            if not exp.resolved:
                current = None
            elif exp.text.startswith("/"):
                current = go_clean(exp.text)
            elif current is not None:
                current = go_clean(posixpath.join(current, exp.text))
    return current


# --------------------------------------------------------------------------- result cache


def dependencies(path: str, context: Context | None = None) -> list[str]:
    """Everything a Dockerfile's outcomes read besides its own bytes: the ignore files
    (present or not), every context directory listed and every file read. The result cache
    digests directories by their entry names and files by their content."""
    if context is None:
        context = Context(Options(), ParseCache(os.path.dirname(os.path.abspath(path))))
    parsed = context.cache.get(path, "dockerfile")
    subjects: Sequence[Any] = getattr(parsed, "subjects", ())
    if not subjects or not isinstance(subjects[0], Dockerfile):
        return []  # a parse error: the outcome does not depend on the context
    result = scan(subjects[0], context)
    return sorted(result.context.reads)
