"""Terraform (HCL2) values and blocks: what both HCL parsers build and every layer reads.

Values are what a policy compares:

* literals: ``str``, ``int``, ``float``, ``bool``, ``None``, ``list`` and ``dict``
  of values;
* ``Expr``: an HCL expression (``var.x``, ``aws_s3_bucket.b.id``,
  ``jsonencode({...})``), kept with its structure so the module index can resolve
  the shallow, deterministic subset the catalog asks for (§5.2-2);
* ``Template``: a string with interpolations (``"logs-${var.env}"``).

``is_literal(value)`` tells a decided value from an unresolved one. Resolving
expressions is knowledge (``knowledge/terraform/evaluate.py``), not this module's:
the model only folds what needs no lookup, a template whose parts are all literal.

``Attribute`` and ``Block`` are the file's structure, with positions; ``TfFile`` is
one parsed file. The parsers (``parser.py``) know this module; it knows neither.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeAlias

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.model import ParsedFile

__all__ = [
    "Attribute",
    "Block",
    "Expr",
    "Template",
    "TfFile",
    "Value",
    "assign_paths",
    "entry_name",
    "hcl",
    "is_literal",
    "make_template",
    "scalar_text",
]


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Expr:
    """An HCL expression that is not a literal.

    ``kind`` says how much structure was kept:

    * ``"ref"``: a static traversal; ``ref`` holds its parts
      (``var.x`` -> ``("var", "x")``, ``aws_s3_bucket.b[0].id`` -> ``(..., 0, "id")``);
    * ``"call"``: ``op`` is the function name, ``args`` its arguments;
    * ``"cond"``: ``args`` is ``(condition, if_true, if_false)``;
    * ``"binary"`` / ``"unary"``: ``op`` is the operator, ``args`` the operands;
    * ``"getattr"`` / ``"index"``: ``args`` is ``(base, key)`` for traversals
      that are not static (``aws_x.y[count.index].id``);
    * ``"other"``: for-expressions, splats, template directives: text only;
    * ``"foreign"``: a module call's argument that the caller could not resolve, as the
      called module sees it: never resolved there; ``op`` says why it is unknown;
    * ``"error"``: a reference Terraform would reject (a key a literal ``each.value``
      lacks), which ``try()`` passes over; ``op`` says why.

    ``text`` is the HCL source of the expression, for messages and linking.
    """

    text: str
    kind: str = "other"
    ref: tuple[str | int, ...] = ()
    op: str = ""
    args: tuple[Value, ...] = ()

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Template:
    """A string that is partly literal and partly interpolated: ``"logs-${var.env}"``."""

    parts: tuple[str | Expr, ...]

    @property
    def text(self) -> str:
        return "".join(p if isinstance(p, str) else "${" + p.text + "}" for p in self.parts)

    @property
    def literal_text(self) -> str:
        """The literal chunks only (what can be matched without resolving anything)."""
        return "".join(p for p in self.parts if isinstance(p, str))

    def __str__(self) -> str:
        return self.text


Value: TypeAlias = (
    str | int | float | bool | list["Value"] | dict[str, "Value"] | Expr | Template | None
)


def is_literal(value: Value) -> bool:
    """True when the value contains no expression or interpolation anywhere."""
    if isinstance(value, (Expr, Template)):
        return False
    if isinstance(value, list):
        return all(is_literal(v) for v in value)
    if isinstance(value, dict):
        return all(is_literal(v) for v in value.values())
    return True


def hcl(value: Value) -> str:
    """A short HCL rendering of a value, for messages."""
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, Template):
        return json.dumps(value.text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(hcl(v) for v in value) + "]"
    return "{" + ", ".join(f"{k} = {hcl(v)}" for k, v in value.items()) + "}"


def _number_text(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(int(value))
    return str(value)


def scalar_text(value: Value) -> str | None:
    """Terraform's conversion of a primitive to string; ``None`` if it has none.

    The one encoding of that rule: the parsers need it to fold literal templates
    (``"a${1}"`` is ``"a1"``), so it lives here, and ``knowledge.terraform.values``
    offers it to policies as ``to_string``.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return _number_text(value)
    return None


def make_template(parts: Iterable[Value]) -> Value:
    """Merge literal chunks; a template that is only literal becomes a ``str``, and one
    that is a single interpolation becomes that value (Terraform keeps its type)."""
    merged: list[str | Expr] = []
    items = list(parts)
    if len(items) == 1 and not isinstance(items[0], str):
        return items[0]
    for part in items:
        text = scalar_text(part) if not isinstance(part, (Expr, Template)) else None
        if isinstance(part, Template):
            for sub in part.parts:
                _append_part(merged, sub)
        elif text is not None:
            _append_part(merged, text)
        elif isinstance(part, Expr):
            _append_part(merged, part)
        else:  # null, list or map inside a template: Terraform rejects it; keep it unresolved
            _append_part(merged, Expr(hcl(part)))
    if all(isinstance(p, str) for p in merged):
        return "".join(p for p in merged if isinstance(p, str))
    return Template(tuple(merged))


def _append_part(parts: list[str | Expr], part: str | Expr) -> None:
    if isinstance(part, str) and parts and isinstance(parts[-1], str):
        parts[-1] += part
    elif not (isinstance(part, str) and part == ""):
        parts.append(part)


# --------------------------------------------------------------------------- structure


@dataclass
class Attribute:
    """``name = value`` with the position of ``name``."""

    name: str
    value: Value
    line: int
    col: int = 1
    end_line: int = 0


@dataclass
class Block:
    """``type "label" ... { attributes; blocks }``.

    ``path`` is the key path of this block inside its resource (``("ingress", 1)``),
    ready for ``Violation(path=(*block.path, "cidr_blocks"))``. ``dynamic`` marks
    the content of a ``dynamic`` block whose ``for_each`` could not be expanded:
    attributes that use its iterator are unresolved expressions. Expanding
    ``dynamic`` blocks is evaluation: ``knowledge.terraform.dynamic.nested``.
    """

    type: str
    labels: tuple[str, ...] = ()
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    line: int = 1
    end_line: int = 1
    col: int = 1
    path: tuple[PathPart, ...] = ()
    dynamic: bool = False

    def get(self, name: str, default: Value = None) -> Value:
        attr = self.attributes.get(name)
        return default if attr is None else attr.value

    def has(self, name: str) -> bool:
        return name in self.attributes

    def attr(self, name: str) -> Attribute | None:
        return self.attributes.get(name)

    def entries(self, name: str) -> list[Block]:
        """Nested ``name`` blocks and ``dynamic "name"`` blocks, unexpanded, in source order."""
        return [b for b in self.blocks if entry_name(b) == name]


def entry_name(block: Block) -> str:
    """The block type a nested block stands for: ``dynamic "ingress"`` is an ``ingress``."""
    if block.type == "dynamic" and block.labels:
        return block.labels[0]
    return block.type


def assign_paths(block: Block, base: tuple[PathPart, ...]) -> None:
    """Give every nested block its key path; a dynamic block and its content share one."""
    block.path = base
    counters: dict[str, int] = {}
    for child in block.blocks:
        name = entry_name(child)
        index = counters.get(name, 0)
        counters[name] = index + 1
        child_path = (*base, name, index)
        if child.type == "dynamic":
            child.path = child_path
            for inner in child.blocks:
                if inner.type == "content":
                    assign_paths(inner, child_path)
        else:
            assign_paths(child, child_path)


@dataclass
class TfFile(ParsedFile):
    """A parsed ``.tf`` or ``.tfvars`` file: its resources are the subjects; the
    top-level ``attributes`` (tfvars) and ``blocks`` (variables, locals, data sources,
    resources...) are what the module index reads."""

    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
