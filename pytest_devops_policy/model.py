"""The format-neutral model every parser produces: a source file, its subjects, parse errors.

Parsers (``formats/*``) know nothing of policies or pytest; they turn a
``Source`` into a ``ParsedFile`` whose ``subjects`` are what policies judge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar, overload

from pytest_devops_policy.api import PathPart


@dataclass
class Source:
    """The decoded text of one file, with the path shown to users."""

    path: str  # absolute filesystem path
    relpath: str  # path shown in reports (relative to rootdir, '/' separated)
    text: str
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            if "\r" in self.text:  # a kept lone CR is inside its line (Dockerfiles)
                lines = self.text.split("\n")
                self._lines = lines[:-1] if lines and lines[-1] == "" else lines
            else:
                self._lines = self.text.splitlines()
        return self._lines

    def line_text(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 1 <= line <= len(lines) else ""


def decode(data: bytes, lone_cr_newline: bool = True) -> str:
    """Bytes to text: strip a UTF-8 BOM, normalise CRLF (and a lone CR, where the kind's own
    tools read it as a line break: YAML, HCL), never fail on bad bytes."""
    text = data.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if lone_cr_newline:
            text = text.replace("\r", "\n")
    return text


class RecentText:
    """The file a run read last, shared by that run's ``FileText``s: a file's failures
    come together, so one slot saves re-reading it for each of them."""

    def __init__(self) -> None:
        self.last: Source | None = None


class FileText(Sequence[str]):
    """A file's lines, read again only if a failure or a waiver needs them.

    Items keep this instead of the text, so a run does not hold every file in memory.
    """

    def __init__(
        self, path: str, relpath: str, recent: RecentText, lone_cr_newline: bool = True
    ) -> None:
        self.path = path
        self.relpath = relpath
        self._recent = recent
        self._lone_cr_newline = lone_cr_newline

    @property
    def source(self) -> Source:
        last = self._recent.last
        if last is not None and last.path == self.path:
            return last
        try:
            with open(self.path, "rb") as fh:
                text = decode(fh.read(), self._lone_cr_newline)
        except OSError:
            text = ""
        source = self._recent.last = Source(self.path, self.relpath, text)
        return source

    def __len__(self) -> int:
        return len(self.source.lines)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self.source.lines[index]


class ParseError(Exception):
    """A recognised file that cannot be parsed. ``line``/``col`` are 1-based."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = max(1, line)
        self.col = max(1, col)


IndexT = TypeVar("IndexT", covariant=True)


class Subject(Generic[IndexT]):
    """Something a policy judges: a Dockerfile, a Kubernetes object, a job, a resource.

    Deliberately thin: a label for the node id, a position, and a way to turn
    a key path into a position. Format modules subclass it with their model. The type
    parameter is the run-wide index its kind gives policies (``Context.index``);
    ``Subject[None]`` for kinds without one.
    """

    kind: ClassVar[str] = ""
    key: ClassVar[str] = ""  # the policy parameter name that selects this subject

    def __init__(self, source: Source, label: str, line: int, col: int = 1) -> None:
        self.source = source
        self.label = label.replace("::", ":")  # '::' would split the node id
        self.line = line
        self.col = col

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        """Position of a key path inside this subject, if the format knows it."""
        return None

    def waiver_lines(self) -> Iterable[int]:
        """Lines where an inline waiver covers the whole subject."""
        return (self.line,)

    def elsewhere(self, path: Sequence[PathPart] | None) -> str | None:
        """``file:line`` of a finding that lives in another file than the item's (a called
        module's resource), for its message; ``None`` for the subject's own file."""
        return None

    def annotation_waivers(self) -> Iterable[tuple[str, dict[str, str]]]:
        """Waivers declared inside the subject's data (Kubernetes annotations)."""
        return ()

    def release(self) -> None:
        """The run is done with this subject: drop what it derived and keeps (memos whose
        values point back at it). A reference cycle would outlive it: the cyclic collector
        is paused while files are analysed. It stays usable; what it drops is recomputed."""

    def dispose(self) -> None:
        """The run is done with every parsed file (``ParseCache.forget``, after collection):
        also drop the references that point back at this subject (a workflow's jobs), so
        that it is freed at once rather than by the cyclic collector. Not used after."""
        self.release()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label} {self.source.relpath}:{self.line}>"


@dataclass
class ParsedFile:
    """The result of parsing one file.

    A format that keeps more of the file (documents, blocks, the workflow) returns a
    dataclass subclass with typed fields; nothing is added to a parsed file afterwards
    except through ``dataclasses.replace``.
    """

    source: Source
    kind: str
    subjects: list[Subject[Any]]
    # Set when the file is recognised but deliberately not judged (with the reason).
    skip_reason: str | None = None
    # False for a candidate the format does not recognise (YAML that is app config).
    recognised: bool = True
    # Parts of the file that were recognised but not judged, each one skipped item:
    # ``(label, note id, line, reason)`` (a remote module call: ``module.vpc``,
    # ``TF-MODULE-NOT-READ``).
    notes: list[tuple[str, str, int, str]] = field(default_factory=list)
    # Values the format knows are secret (a Terraform plan's sensitive values): every output
    # of the file is redacted with them, like the secrets the detectors find in its text.
    known_secrets: tuple[str, ...] = ()

    def release(self, final: bool = False) -> None:
        """``Subject.release`` (``dispose`` when ``final``) for every subject of the file:
        the parse cache drops it."""
        for subject in self.subjects:
            if final:
                subject.dispose()
            else:
                subject.release()
