"""YAML values that remember where they were written, across files (catalog §4.1).

GitLab builds a pipeline by merging files (``include:``), substituting ``!reference`` tags
and deep-merging ``extends:`` templates. A finding in a job must still point at the line
that set the key, possibly in a template or in another file. So the configuration is kept
as a tree of ``Node`` values, each with the ``Origin`` of its key (or list item); merging
moves nodes, never copies text, and ``flatten`` turns a tree back into plain values plus a
``path -> Origin`` map at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.yamlload import Document, Tagged

__all__ = ["Node", "Origin", "Ref", "deep_merge", "flatten", "from_document", "plain"]

Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class Origin:
    """Where a key or list item was written: the file (as reported) and a 1-based position."""

    file: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Ref:
    """An unresolved ``!reference [.job, key, ...]``: the path it names."""

    path: tuple[str, ...]
    origin: Origin


@dataclass
class Node:
    """A value (``dict[str, Node]``, ``list[Node]``, a scalar or a ``Ref``) and its origin."""

    value: Any
    origin: Origin

    def get(self, key: str) -> Node | None:
        return self.value.get(key) if isinstance(self.value, dict) else None

    def walk(self) -> Iterator[Node]:
        yield self
        if isinstance(self.value, dict):
            for child in self.value.values():
                yield from child.walk()
        elif isinstance(self.value, list):
            for child in self.value:
                yield from child.walk()


def from_document(doc: Document, file: str) -> Node:
    """The document's value as a tree of nodes, each with the position its path had."""

    def build(value: Any, path: Path, origin: Origin) -> Node:
        if isinstance(value, Tagged):
            origin = Origin(file, value.line, value.col) if not path else origin
            if value.tag == "!reference":
                return Node(_ref(value, Origin(file, value.line, value.col)), origin)
            return build(value.value, path, origin)  # pragma: no cover - only !reference kept
        if isinstance(value, dict):
            return Node({k: build(v, (*path, k), at((*path, k))) for k, v in value.items()}, origin)
        if isinstance(value, list):
            return Node([build(v, (*path, i), at((*path, i))) for i, v in enumerate(value)], origin)
        return Node(value, origin)

    def at(path: Path) -> Origin:
        pos = doc.locate(path) or (doc.start_line, 1)
        return Origin(file, pos[0], pos[1])

    return build(doc.value, (), at(()))


def _ref(tagged: Tagged, origin: Origin) -> Ref:
    from pytest_devops_policy.model import ParseError

    items = tagged.value
    if (
        not isinstance(items, list)
        or not items
        or not all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in items)
    ):
        raise ParseError(
            "!reference must be a list of keys, such as !reference [.setup, script]",
            origin.line,
            origin.col,
        )
    return Ref(tuple(str(i) for i in items), origin)


def deep_merge(base: Node, override: Node) -> Node:
    """GitLab's merge for ``extends:`` and ``include:``: mappings merge key by key, deeply;
    anything else (lists, scalars) in ``override`` replaces what ``base`` had. Neither
    input is changed; the result shares their leaf nodes, so their origins survive."""
    if not (isinstance(base.value, dict) and isinstance(override.value, dict)):
        return override
    merged: dict[str, Node] = dict(base.value)
    for key, node in override.value.items():
        old = merged.get(key)
        merged[key] = deep_merge(old, node) if old is not None else node
    return Node(merged, override.origin)


def plain(node: Node) -> Any:
    """The node's value with every ``Node`` unwrapped (a ``Ref`` left unresolved stays)."""
    value = node.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def flatten(node: Node, prefix: Path = ()) -> tuple[Any, dict[Path, Origin]]:
    """Plain values and where each key path under ``node`` (relative to it) was written."""
    origins: dict[Path, Origin] = {}

    def go(n: Node, path: Path) -> Any:
        origins[path] = n.origin
        if isinstance(n.value, dict):
            return {k: go(v, (*path, k)) for k, v in n.value.items()}
        if isinstance(n.value, list):
            return [go(v, (*path, i)) for i, v in enumerate(n.value)]
        return n.value

    value = go(node, prefix)
    return value, origins
