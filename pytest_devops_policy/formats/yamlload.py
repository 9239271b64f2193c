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
Aliases share one converted value (no exponential blow-up); recursive aliases
and absurd nesting become parse errors, never crashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

from pytest_devops_policy.api import PathPart
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


class _Walker:
    def __init__(self, yaml11: bool) -> None:
        self.yaml11 = yaml11
        self.memo: dict[int, Any] = {}
        self.active: set[int] = set()

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
            return self.scalar(node)  # type: ignore[arg-type]
        key = id(node)
        if key in self.memo:  # an alias of a node we already converted
            return self.memo[key]
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
        self.memo[key] = result
        return result

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


def _key_text(node: yaml.Node) -> str:
    if node.id == "scalar":  # type: ignore[attr-defined]
        return str(node.value)
    # Complex keys are legal YAML but meaningless to our formats; keep them visible.
    return f"<{type(node).__name__}@{node.start_mark.line + 1}>"


def _to_int(text: str, yaml11: bool) -> int | str:
    t = text.replace("_", "")
    sign = -1 if t.startswith("-") else 1
    body = t.lstrip("+-")
    try:
        if body.startswith(("0x", "0X")):
            return sign * int(body[2:], 16)
        if body.startswith(("0o", "0O")):
            return sign * int(body[2:], 8)
        if body.startswith(("0b", "0B")):
            return sign * int(body[2:], 2)
        if yaml11 and len(body) > 1 and body.startswith("0"):
            return sign * int(body, 8)
        return sign * int(body, 10)
    except ValueError:
        return text  # sexagesimal (22:22) and other YAML 1.1 oddities stay strings


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


def load_documents(text: str, *, yaml11: bool) -> list[Document]:
    """Parse every document in ``text``. Raises ``ParseError`` with a 1-based position."""
    docs: list[Document] = []
    try:
        for index, node in enumerate(_compose_all(text)):
            if node is None:
                continue
            doc = Document(value=None, index=index, start_line=node.start_mark.line + 1)
            doc.lines[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
            doc.value = _Walker(yaml11).walk(node, (), doc, record=True)
            docs.append(doc)
    except RecursionError:
        raise ParseError("YAML nesting is too deep to analyse") from None
    except Exception as exc:
        # Matched by module, not class: libyaml raises the classes of the first 'yaml' import.
        if not type(exc).__module__.startswith("yaml"):
            raise
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        if context:
            problem = f"{context}: {problem}"
        raise ParseError(f"invalid YAML: {problem}", line, col) from None
    return docs


_COLLECTIONS: dict[Any, Any] = {"sequence": yaml.SequenceNode, "mapping": yaml.MappingNode}


class _MemoLoader(_Loader):
    """libyaml composes in C but calls the Python resolver for every scalar; manifests
    repeat the same keys and values, so remember each (value, implicit) -> tag."""

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
        memo = _MemoLoader._memo
        tag = memo.get(key)
        if tag is None:
            tag = super().resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
            if len(memo) > 200_000:  # bound memory on huge, varied files
                memo.clear()
            memo[key] = tag
        return tag


def _compose_all(text: str) -> Iterator[yaml.Node | None]:
    loader = _MemoLoader(text)
    try:
        while loader.check_node():
            yield loader.get_node()
    finally:
        loader.dispose()
