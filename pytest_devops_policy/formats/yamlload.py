"""YAML documents with a line for every key and list item.

PyYAML's C composer builds nodes with marks; a small walker turns them into
plain Python values and records ``path -> (line, col)``. That is much faster
than constructing with line-aware loaders, and it lets us choose scalar
semantics per format:

* ``yaml11=True`` (Kubernetes): go-yaml decodes ``yes/no/on/off`` as booleans
  and ``0755`` as octal, so we do too.
* ``yaml11=False`` (GitHub Actions): YAML 1.2 core schema; only ``true``/``false``
  are booleans, so ``on:`` stays the string ``"on"``.

Mapping keys are always the raw scalar text. Timestamps stay strings.
Aliases share one converted value, but whoever walks that value later (schema checks,
the cache, error messages) sees every copy: the walker counts the nodes each alias
stands for, and a document whose aliases expand it past ``alias_expansion_limit`` (ten
times its own nodes, at least ``ALIAS_EXPANSION_FLOOR`` and at most
``ALIAS_EXPANSION_CAP`` extra nodes) is one parse error, as libyaml-based tools and
Kubernetes reject "excessive aliasing". Recursive aliases and absurd nesting become
parse errors too, never crashes.

libyaml rejects some YAML that PyYAML's pure-Python loader (and Kubernetes' go-yaml)
accept, such as ``[1.2.3.4, 001:db8::]``. A text the C loader rejects is composed again by
the pure loader, through the same resolver and walker, before it is called broken. That
loader is about 18 times slower, so texts over ``PURE_RETRY_LIMIT`` are not retried.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.numbers import whole_number
from pytest_devops_policy.model import ParseError

try:
    from yaml import CSafeLoader as _Loader

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - exotic interpreters without the libyaml wheel
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    HAVE_LIBYAML = False

_T = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT, _MERGE = (
    _T + "str",
    _T + "null",
    _T + "bool",
    _T + "int",
    _T + "float",
    _T + "merge",
)
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")

Position = tuple[int, int]


@dataclass(frozen=True)
class Tagged:
    """A sequence or mapping written with a custom tag the caller asked to keep
    (``load_documents(..., keep_tags=...)``): GitLab's ``!reference [.job, script]``."""

    tag: str
    value: Any
    line: int
    col: int


@dataclass
class Document:
    """One YAML document: its value, where each key path is, and what was odd about it."""

    value: Any
    index: int
    start_line: int
    lines: dict[tuple[PathPart, ...], Position] = field(default_factory=dict)
    duplicate_keys: list[tuple[tuple[PathPart, ...], int]] = field(default_factory=list)

    def locate(self, path: tuple[PathPart, ...]) -> Position | None:
        """The position of ``path``, or of its nearest known ancestor."""
        while True:
            pos = self.lines.get(path)
            if pos is not None or not path:
                return pos
            path = path[:-1]

    def moved(self, index: int, line: int, col: int) -> Document:
        """This document as part of a larger text, where its own text starts at (line, col)
        and it is document ``index`` (values of a JSON stream are parsed one by one)."""

        def at(pos: Position) -> Position:
            # Only positions on the value's first line are shifted right.
            return pos[0] + line - 1, (pos[1] + col - 1 if pos[0] == 1 else pos[1])

        return Document(
            value=self.value,
            index=index,
            start_line=self.start_line + line - 1,
            lines={path: at(pos) for path, pos in self.lines.items()},
            duplicate_keys=[(path, n + line - 1) for path, n in self.duplicate_keys],
        )


ALIAS_EXPANSION_RATIO = 10
"""Aliases may add this many times a document's own nodes ..."""
ALIAS_EXPANSION_FLOOR = 10_000
"""... and always at least this many (small files with a few shared blocks) ..."""
ALIAS_EXPANSION_CAP = 1_000_000
"""... but never more than this many: a million extra nodes is already far more than any
real manifest or workflow, and a 600-byte text can otherwise stand for 10**10."""


def alias_expansion_limit(own: int) -> int:
    """How many nodes a document of ``own`` nodes may stand for once aliases are expanded."""
    return own + min(max(ALIAS_EXPANSION_RATIO * own, ALIAS_EXPANSION_FLOOR), ALIAS_EXPANSION_CAP)


class _Walker:
    def __init__(self, yaml11: bool, keep_tags: frozenset[str] = frozenset()) -> None:
        self.yaml11 = yaml11
        self.keep_tags = keep_tags
        self.memo: dict[int, Any] = {}
        self.active: set[int] = set()
        # Expanded node counts: ``expanded`` is how many nodes the walk so far stands for
        # (an alias counts every node of what it names); ``sizes`` remembers that count per
        # shared collection; ``own`` counts the nodes actually walked.
        self.sizes: dict[int, int] = {}
        self.expanded = 0
        self.own = 0

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            low = value.lower()
            if low in ("true", "false"):
                return low == "true"
            if self.yaml11:
                return low in ("yes", "y", "on")
            return value
        if tag == _INT:
            return _to_int(value, self.yaml11)
        if tag == _FLOAT:
            return _to_float(value)
        return value  # timestamps, custom tags (!Ref, !reference): keep the text

    def walk(self, node: yaml.Node, path: tuple[PathPart, ...], doc: Document, record: bool) -> Any:
        # Dispatch on node.id, not the class: libyaml's C composer keeps the node classes
        # of the first 'yaml' import, which differ after a module re-import (pytester).
        node_id = node.id  # type: ignore[attr-defined]
        if node_id == "scalar":
            self.expanded += 1
            self.own += 1
            return self.scalar(node)  # type: ignore[arg-type]
        key = id(node)
        if key in self.memo:  # an alias of a node we already converted
            self.expanded += self.sizes[key]
            return self.memo[key]
        before = self.expanded
        self.expanded += 1
        self.own += 1
        if key in self.active:
            mark = node.start_mark
            raise ParseError("recursive YAML alias", mark.line + 1, mark.column + 1)
        self.active.add(key)
        try:
            if node_id == "sequence":
                seq: list[Any] = []
                for i, child in enumerate(node.value):
                    p = (*path, i)
                    if record:
                        doc.lines.setdefault(
                            p, (child.start_mark.line + 1, child.start_mark.column + 1)
                        )
                    seq.append(self.walk(child, p, doc, record))
                result: Any = seq
            else:
                result = self.mapping(node, path, doc, record)
        finally:
            self.active.discard(key)
        if self.keep_tags and node.tag in self.keep_tags:
            mark = node.start_mark
            result = Tagged(node.tag, result, mark.line + 1, mark.column + 1)
        self.memo[key] = result
        self.sizes[key] = self.expanded - before
        return result

    def check_expansion(self, mark: Any) -> None:
        """A ``ParseError`` if the document (starting at ``mark``) expands past the limit.

        Takes the mark, not the node: a node's repr (in a traceback) expands every alias."""
        limit = alias_expansion_limit(self.own)
        if self.expanded > limit:
            raise ParseError(
                f"document expands to more than {limit} nodes through aliases "
                f"({self.own} nodes written, {self.expanded} once aliases are expanded)",
                mark.line + 1,
                mark.column + 1,
            )

    def mapping(
        self, node: yaml.Node, path: tuple[PathPart, ...], doc: Document, record: bool
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: list[dict[str, Any]] = []
        for knode, vnode in node.value:
            if knode.tag == _MERGE:
                # '<<: *base' or '<<: [*a, *b]': explicit keys win, earlier merges win.
                sources = vnode.value if vnode.id == "sequence" else [vnode]
                for src in sources:
                    val = self.walk(src, path, doc, record=False)
                    if isinstance(val, dict):
                        merged.append(val)
                continue
            k = _key_text(knode)
            p = (*path, k)
            if k in out:
                doc.duplicate_keys.append((p, knode.start_mark.line + 1))
            if record:
                doc.lines[p] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            out[k] = self.walk(vnode, p, doc, record)
        for src in merged:
            for k, v in src.items():
                out.setdefault(k, v)
        return out


class _PureWalker(_Walker):
    """The walker for the pure loader's nodes, in Kubernetes mode (``yaml11``).

    In a flow sequence, that loader (like the YAML 1.2 spec) ends a plain scalar before a
    ':' followed by ',' or ']' and makes a one-pair mapping of it: ``[fe80::]`` is
    ``[{'fe80:': None}]``. go-yaml, which Kubernetes uses, reads the string ``'fe80::'``,
    and libyaml rejects it; such pairs are read as go-yaml reads them.
    """

    def __init__(self, yaml11: bool, text: str, keep_tags: frozenset[str] = frozenset()) -> None:
        super().__init__(yaml11, keep_tags)
        self.text = text

    def walk(self, node: yaml.Node, path: tuple[PathPart, ...], doc: Document, record: bool) -> Any:
        if self.yaml11 and node.id == "mapping":  # type: ignore[attr-defined]
            scalar = self._colon_ended(node)
            if scalar is not None:
                return scalar
        return super().walk(node, path, doc, record)

    def _colon_ended(self, node: yaml.Node) -> str | None:
        """``'x:'`` for the pair ``x:`` written directly before ',' or ']', else None."""
        if len(node.value) != 1:
            return None
        key, value = node.value[0]
        implicit_pair = key.start_mark.index == node.start_mark.index  # no '{' of its own
        if not implicit_pair or key.id != "scalar" or key.style is not None:
            return None
        if (
            value.id != "scalar"
            or value.value != ""
            or value.end_mark.index != value.start_mark.index
        ):
            return None
        end = key.end_mark.index
        if self.text[end : end + 1] != ":" or self.text[end + 1 : end + 2] not in (",", "]"):
            return None
        return f"{key.value}:"


def _key_text(node: yaml.Node) -> str:
    if node.id == "scalar":  # type: ignore[attr-defined]
        return str(node.value)
    # Complex keys are legal YAML but meaningless to our formats; keep them visible.
    return f"<{type(node).__name__}@{node.start_mark.line + 1}>"


def _to_int(text: str, yaml11: bool) -> int | str:
    t = text.replace("_", "")
    sign = -1 if t.startswith("-") else 1
    body = t.lstrip("+-")
    if body.startswith(("0x", "0X")):
        value = whole_number(body[2:], 16)
    elif body.startswith(("0o", "0O")):
        value = whole_number(body[2:], 8)
    elif body.startswith(("0b", "0B")):
        value = whole_number(body[2:], 2)
    elif yaml11 and len(body) > 1 and body.startswith("0"):
        value = whole_number(body, 8)
    else:
        value = whole_number(body, 10)
    # Sexagesimal (22:22), other YAML 1.1 oddities and integers too big to keep stay text.
    return text if value is None else sign * value


def _to_float(text: str) -> float | str:
    if _SEXAGESIMAL.match(text):
        return text
    low = text.lower().replace("_", "")
    if low in (".inf", "+.inf"):
        return float("inf")
    if low == "-.inf":
        return float("-inf")
    if low == ".nan":
        return float("nan")
    try:
        return float(low)
    except ValueError:
        return text


PURE_RETRY_LIMIT = 1 << 20
"""Texts over this many characters (1 MiB of ASCII) that libyaml rejects are not retried:
the pure-Python loader costs about 18 times as much, and a hostile file must stay cheap."""


def load_documents(
    text: str, *, yaml11: bool, retry: bool = True, keep_tags: frozenset[str] = frozenset()
) -> list[Document]:
    """Parse every document in ``text``. Raises ``ParseError`` with a 1-based position.

    A sequence or mapping tagged with one of ``keep_tags`` becomes a ``Tagged`` value
    (other custom tags are dropped: their collection is kept as it is written).

    A text libyaml rejects is composed again by PyYAML's pure-Python loader (unless
    ``retry`` is false or the text is over ``PURE_RETRY_LIMIT``): it is an error only
    if both loaders reject it.
    """
    text = _without_line_boms(text)
    if not HAVE_LIBYAML:  # exotic interpreters: the pure loader is the only one
        try:
            return _pure_documents(text, yaml11, keep_tags)
        except _Rejected as exc:
            raise exc.error from None
    try:
        return _documents(text, _MemoLoader, lambda: _Walker(yaml11, keep_tags))
    except _Rejected as exc:
        fast = exc
    if not retry or _TOO_DEEP in fast.error.message:
        raise fast.error
    if len(text) > PURE_RETRY_LIMIT:
        raise _unretried(fast.error)
    try:
        return _pure_documents(text, yaml11, keep_tags)
    except _Rejected as slow:
        raise _reported(fast, slow).error from None


# libyaml stops at 1000 levels; the walker recurses too and could not go that deep either,
# and the pure scanner would spend a second getting there.
_TOO_DEEP = "exceeded maximum nesting depth"


class _Rejected(Exception):
    """A loader rejected the text: the error to report, and where (None: no position)."""

    def __init__(self, error: ParseError, where: Position | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.where = where


def _documents(
    text: str, loader: Callable[[str], Any], walker: Callable[[], _Walker]
) -> list[Document]:
    docs: list[Document] = []
    try:
        for index, node in enumerate(_compose_all(text, loader)):
            if node is None:
                continue
            doc = Document(value=None, index=index, start_line=node.start_mark.line + 1)
            doc.lines[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
            walk = walker()
            doc.value = walk.walk(node, (), doc, record=True)
            walk.check_expansion(node.start_mark)
            docs.append(doc)
    except RecursionError:
        raise ParseError("YAML nesting is too deep to analyse") from None
    return docs


def _pure_documents(
    text: str, yaml11: bool, keep_tags: frozenset[str] = frozenset()
) -> list[Document]:
    return _documents(text, _PureLoader, lambda: _PureWalker(yaml11, text, keep_tags))


def _compose_all(text: str, loader_class: Callable[[str], Any]) -> Iterator[yaml.Node | None]:
    try:
        loader = loader_class(text)  # the pure reader refuses control characters here
    except Exception as exc:
        if not type(exc).__module__.startswith("yaml"):
            raise
        raise _rejected(exc) from None
    try:
        while True:
            try:
                if not loader.check_node():
                    return
                node = loader.get_node()
            except RecursionError:  # the pure composer recurses once per nesting level
                raise _Rejected(ParseError("YAML nesting is too deep to analyse"), None) from None
            except Exception as exc:
                # Matched by module, not class: libyaml raises the classes of the first
                # 'yaml' import.
                if not type(exc).__module__.startswith("yaml"):
                    raise
                raise _rejected(exc) from None
            yield node
    finally:
        loader.dispose()


def _rejected(exc: Exception) -> _Rejected:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = (mark.line + 1, mark.column + 1) if mark else None
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if context:
        problem = f"{context}: {problem}"
    line, col = where or (1, 1)
    return _Rejected(ParseError(f"invalid YAML: {problem}", line, col), where)


def _reported(fast: _Rejected, slow: _Rejected) -> _Rejected:
    """Which error to report when both loaders reject a text.

    Each loader rejects some YAML the other accepts (libyaml ``[fe80::]``, the pure loader
    a tab after ``key:``), so an error the other loader read past is not the real one: the
    later of the two wins. At the same place the pure loader's message wins: it names the
    offending character or alias where libyaml's does not.
    """
    if slow.where is None:
        return fast
    if fast.where is None or slow.where >= fast.where:
        return slow
    return fast


def _unretried(error: ParseError) -> ParseError:
    note = (
        f"not retried with PyYAML's pure-Python parser, which accepts some YAML libyaml "
        f"rejects, as the text is over {PURE_RETRY_LIMIT >> 20} MiB"
    )
    return ParseError(f"{error.message} ({note})", error.line, error.col)


def _without_line_boms(text: str) -> str:
    # Files joined with `cat` carry a byte-order mark at the start of a line, where it is
    # invisible; kubectl splits documents before decoding them, so it accepts them, but
    # libyaml trips over it and the pure loader makes it part of a key.
    if "\ufeff" not in text:
        return text
    return text.replace("\n\ufeff", "\n")


_COLLECTIONS: dict[Any, Any] = {"sequence": yaml.SequenceNode, "mapping": yaml.MappingNode}


class _MemoResolver(yaml.resolver.Resolver):
    """libyaml composes in C but calls the Python resolver for every scalar; manifests
    repeat the same keys and values, so remember each (value, implicit) -> tag. Both
    loaders resolve through this class, so a retried text gets the same tags."""

    _memo: ClassVar[dict[tuple[str, tuple[bool, bool]], str]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # libyaml passes the node classes of the first 'yaml' import; after a re-import
        # (pytester, IDE runners) an identity test against yaml.ScalarNode would fail and
        # every scalar would resolve to a string. Compare by the class's id instead.
        node_id = getattr(kind, "id", None)
        if node_id != "scalar":
            current = _COLLECTIONS.get(node_id, kind)
            return super().resolve(current, value, implicit)  # type: ignore[no-untyped-call]
        key = (value, implicit)
        memo = _MemoResolver._memo
        tag = memo.get(key)
        if tag is None:
            tag = super().resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
            if len(memo) > 200_000:  # bound memory on huge, varied files
                memo.clear()
            memo[key] = tag
        return tag


class _MemoLoader(_MemoResolver, _Loader):
    """The fast path: libyaml's composer."""


_SURROGATE = re.compile("[\ud800-\udfff]")


class _PureLoader(_MemoResolver, yaml.SafeLoader):
    """PyYAML's pure-Python loader, for texts libyaml rejects.

    An escaped surrogate pair in a double-quoted scalar (``"\\ud83d\\ude00"``, how Python's
    json.dumps writes non-BMP characters) is one character, as JSON reads it; PyYAML would
    keep two lone surrogates, which cannot even be printed. An unpaired surrogate or an
    escape past U+10FFFF is an error, as in libyaml (PyYAML raises ValueError on the latter).
    """

    def scan_flow_scalar(self, style: Any) -> Any:
        start = self.get_mark()
        try:
            token = super().scan_flow_scalar(style)
        except ValueError:
            raise _escape_error(start, "found an escape past U+10FFFF") from None
        if _SURROGATE.search(token.value):
            try:
                token.value = token.value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
            except UnicodeDecodeError:
                raise _escape_error(
                    start, "found an unpaired surrogate escape (\\ud800-\\udfff)"
                ) from None
        return token


def _escape_error(mark: Any, problem: str) -> yaml.scanner.ScannerError:
    return yaml.scanner.ScannerError("while scanning a double-quoted scalar", None, problem, mark)
