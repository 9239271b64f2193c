"""Terraform's JSON syntax (``*.tf.json``) and JSON variable files (``*.tfvars.json``).

Both become the model the HCL parsers build (``model.py``): the same ``Block`` and
``Attribute`` tree with real positions, the same ``TfResource`` and ``TfBlock`` subjects
(``parser.make_file``), so every policy, the module index and the waivers read a
``.tf.json`` file as they read the equivalent ``.tf`` file.

Reading the JSON. A small position-aware scanner (``_Scanner``) keeps the offset where
every key and value starts and ends; strings are decoded by ``json.decoder.scanstring``
(the C decoder). It gives every block and attribute its line, column and end line, and
keeps duplicate keys (Terraform reads each ``"resource"`` property). The YAML loader
(``formats/yamlload.py``) also records key positions, but it records no end positions
(block ranges are what waivers and ``end_line`` need), reads ``1e3`` as a string (YAML
1.1 floats need a dot) and keeps only the last of duplicate keys. Malformed JSON is one
``ParseError`` at the offending character, with the message Python's ``json`` gives.

The mapping, as Terraform documents it (language/syntax/json):

* The root object's properties are block types. A block type that takes labels
  (``resource``/``data``: two; ``provider``, ``module``, ``variable``, ``output``,
  ``check``: one) nests one object per label, then the body; at any level an array
  stands for several entries in order (``"provider": {"aws": [{...}, {"alias": ...}]}``).
  ``locals`` holds the local values directly.
* A body's properties are attributes or nested blocks; ``"//"`` properties of a body (and
  of the root) are comments. Nested blocks with labels: ``dynamic``, ``provisioner``,
  ``backend``, ``provider_meta``.
* A string where an expression is expected is a string template: its content is parsed
  by the configured HCL parser (``tf.hcl_parser``) as the quoted string
  ``"<content>"``, so ``"${aws_s3_bucket.b.id}"`` is the ``Expr`` the HCL parser gives
  for ``aws_s3_bucket.b.id`` and ``"logs-${var.env}"`` the same ``Template``. Numbers,
  booleans and ``null`` are literal; objects and arrays map element by element.
* Literal, never templates: ``variable`` ``default`` and ``description``, ``output``
  ``description`` and ``sensitive``, ``module`` ``source`` and ``version``, ``provider``
  ``alias`` and ``version``, everything in a ``terraform`` block, a ``connection``
  block's ``type``.
* Read as an expression (a reference or keyword written as a string): ``variable``
  ``type`` (``"list(string)"``), ``depends_on`` elements, the ``provider`` meta-argument
  (``"aws.west"``), ``lifecycle`` ``ignore_changes`` (``"all"`` or references) and
  ``replace_triggered_by``, a ``dynamic`` block's ``iterator``, ``module`` ``providers``
  values, ``moved``/``import``/``removed`` ``from``/``to``.
* A ``.tfvars.json`` file is one object of variable values, literal JSON.

Blocks or attributes. Without the providers' schemas an object value is ambiguous:
``"tags": {...}`` is a map attribute, ``"versioning": {...}`` a block. The rule, chosen
so that policies see what they see in the equivalent HCL (they read nested blocks
with ``module.blocks``/``first``/``Block.entries`` and maps with ``get``):

* in ``module`` calls, ``locals``, a variable's ``default``, an output's ``value``, a
  ``required_providers`` block and inside any attribute value, every object is a value;
* otherwise an object, or a non-empty array of objects, is a nested block (one per
  element, each at its own position) unless its name is a map attribute
  (``MAP_ATTRIBUTES``: ``tags``, ``labels``, ``metadata`` outside ``kubernetes_*``
  resources, ``app_settings``, ``environment_variables``...) or one of its objects has
  a key that no provider schema uses (schema names are ``[a-z0-9_]+``; map keys such
  as ``Name``, ``DB_HOST`` or ``app.kubernetes.io/name`` are not): then it is an
  attribute. An array of objects read as blocks is what the HCL model gives for
  "attributes as blocks" too: ``knowledge.terraform.dynamic.nested`` reads
  ``ingress = [{...}]`` as ``ingress`` blocks.

Inline waivers are ``"//"`` comment properties: ``"//": "devops-policy: ignore[TF-001]
reason=..."`` inside a resource's body waives that resource (``comments``); an array of
such strings holds several.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from pytest_devops_policy.formats.numbers import whole_number
from pytest_devops_policy.formats.terraform.heredoc import closing_brace
from pytest_devops_policy.formats.terraform.model import (
    Attribute,
    Block,
    Expr,
    Template,
    TfFile,
    Value,
)
from pytest_devops_policy.model import ParseError, Source

__all__ = [
    "MAP_ATTRIBUTES",
    "comments",
    "is_json_path",
    "is_tfvars_json",
    "parse",
]

# Attributes whose object value is a map in the providers' schemas: never a nested block.
MAP_ATTRIBUTES = frozenset(
    {
        "tags",
        "tags_all",
        "labels",
        "user_labels",
        "resource_labels",
        "annotations",
        "metadata",  # google_compute_instance; a block in kubernetes_* resources
        "variables",
        "environment_variables",
        "secure_environment_variables",
        "app_settings",
        "data",
        "binary_data",
        "string_data",
        "parameters",
        "triggers",
        "properties",
        "match_labels",
        "node_selector",
        "node_labels",
        "pod_labels",
    }
)

# Labels per block type: top level, and nested block types that take labels.
_TOP_LABELS = {
    "resource": 2,
    "data": 2,
    "ephemeral": 2,
    "provider": 1,
    "module": 1,
    "variable": 1,
    "output": 1,
    "check": 1,
}
# Attributes whose value is never a block, whatever it holds (a literal map in for_each).
_VALUES = frozenset({"for_each", "count", "depends_on", "triggers_replace"})

# (block type, attribute) pairs read literally, and pairs whose strings are expressions.
_LITERAL = frozenset(
    {
        ("variable", "default"),
        ("variable", "description"),
        ("output", "description"),
        ("output", "sensitive"),
        ("module", "source"),
        ("module", "version"),
        ("provider", "alias"),
        ("provider", "version"),
        ("connection", "type"),
    }
)
_EXPRESSION = frozenset(
    {
        ("variable", "type"),
        ("*", "depends_on"),
        ("*", "provider"),
        ("lifecycle", "ignore_changes"),
        ("lifecycle", "replace_triggered_by"),
        ("dynamic", "iterator"),
        ("moved", "from"),
        ("moved", "to"),
        ("import", "to"),
        ("removed", "from"),
    }
)
# The bodies whose depends_on and provider are references written as strings.
_META_ARGUMENT_BODIES = frozenset({"resource", "data", "ephemeral", "module", "output"})
# Bodies whose object values are all attributes.
_NO_NESTED = frozenset({"module", "locals", "required_providers"})
_SCHEMA_NAME = re.compile(r"[a-z0-9_]+\Z")
_TFVARS_JSON = re.compile(r"(?:^terraform|\.auto)\.tfvars\.json\Z")


def is_json_path(path: str) -> bool:
    """A Terraform file in JSON syntax: ``*.tf.json`` or a ``*.tfvars.json`` file."""
    return path.lower().endswith(".json")


def is_tfvars_json(path: str) -> bool:
    """``terraform.tfvars.json``, ``*.auto.tfvars.json`` or any ``-var-file`` ``.tfvars.json``."""
    return os.path.basename(path).endswith(".tfvars.json")


# --------------------------------------------------------------------------- JSON with positions


@dataclass
class _Node:
    """A JSON value and where it starts and ends (offsets in the text)."""

    kind: str  # object, array, string, number, literal
    start: int
    end: int
    value: Any = None  # the scalar
    members: list[tuple[str, int, _Node]] = field(default_factory=list)  # object: key, offset
    items: list[_Node] = field(default_factory=list)  # array


_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_WORDS: dict[str, bool | None] = {"true": True, "false": False, "null": None}


class _Scanner:
    """JSON (RFC 8259) into ``_Node``s; errors carry the offset they happened at."""

    def __init__(self, text: str) -> None:
        self.text = text

    def document(self) -> _Node:
        i = _WS.match(self.text, 0).end()  # type: ignore[union-attr]
        node = self.value(i)
        end = _WS.match(self.text, node.end).end()  # type: ignore[union-attr]
        if end != len(self.text):
            raise json.JSONDecodeError("Extra data", self.text, end)
        return node

    def value(self, i: int) -> _Node:
        text = self.text
        ch = text[i : i + 1]
        if ch == "{":
            return self.object(i)
        if ch == "[":
            return self.array(i)
        if ch == '"':
            value, end = scanstring(text, i + 1, True)
            return _Node("string", i, end, value)
        for word, literal in _WORDS.items():
            if text.startswith(word, i):
                return _Node("literal", i, i + len(word), literal)
        m = _NUMBER.match(text, i)
        if m is not None and m.end() > i:
            raw = m.group(0)
            number: Any
            if m.group(1) or m.group(2):
                number = float(raw)
            else:
                whole = whole_number(raw)
                number = Expr(raw) if whole is None else whole
            return _Node("number", i, m.end(), number)
        raise json.JSONDecodeError("Expecting value", text, i)

    def _skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]

    def object(self, start: int) -> _Node:
        text = self.text
        node = _Node("object", start, start)
        i = self._skip(start + 1)
        if text[i : i + 1] == "}":
            node.end = i + 1
            return node
        while True:
            if text[i : i + 1] != '"':
                raise json.JSONDecodeError(
                    "Expecting property name enclosed in double quotes", text, i
                )
            key, after = scanstring(text, i + 1, True)
            j = self._skip(after)
            if text[j : j + 1] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", text, j)
            value = self.value(self._skip(j + 1))
            node.members.append((key, i, value))
            j = self._skip(value.end)
            ch = text[j : j + 1]
            if ch == "}":
                node.end = j + 1
                return node
            if ch != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", text, j)
            i = self._skip(j + 1)

    def array(self, start: int) -> _Node:
        text = self.text
        node = _Node("array", start, start)
        i = self._skip(start + 1)
        if text[i : i + 1] == "]":
            node.end = i + 1
            return node
        while True:
            item = self.value(i)
            node.items.append(item)
            j = self._skip(item.end)
            ch = text[j : j + 1]
            if ch == "]":
                node.end = j + 1
                return node
            if ch != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", text, j)
            i = self._skip(j + 1)


def _scan(text: str) -> _Node:
    try:
        return _Scanner(text).document()
    except json.JSONDecodeError as exc:
        raise ParseError(exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:
        raise ParseError("nesting too deep to parse", 1, 1) from None


# --------------------------------------------------------------------------- the model


class _Lines:
    """Offsets to 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        at = text.find("\n")
        while at >= 0:
            self.starts.append(at + 1)
            at = text.find("\n", at + 1)

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


_SLOT = "json-slot"  # the kind of a placeholder Expr: a string still to parse as HCL


@dataclass
class _Pending:
    """Strings to parse with the HCL parser, all in one go (``_resolve``)."""

    sources: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)

    def add(self, hcl_source: str, offset: int) -> Expr:
        self.sources.append(hcl_source)
        self.offsets.append(offset)
        return Expr("", _SLOT, ref=(len(self.sources) - 1,))


class _Builder:
    """``_Node``s into blocks and attributes, by Terraform's JSON mapping (module docstring)."""

    def __init__(self, text: str) -> None:
        self.lines = _Lines(text)
        self.pending = _Pending()
        self.comments: list[tuple[int, str]] = []

    # -- structure

    def config(self, root: _Node) -> list[Block]:
        if root.kind != "object":
            raise ParseError(
                "a .tf.json file must hold one JSON object", *self.lines.pos(root.start)
            )
        blocks: list[Block] = []
        for key, offset, node in root.members:
            if key == "//":
                self.comment(node)
            else:
                blocks.extend(self.labelled(key, _TOP_LABELS.get(key, 0), node, offset, (), key))
        return blocks

    def comment(self, node: _Node) -> None:
        values = node.items if node.kind == "array" else [node]
        for item in values:
            if item.kind == "string" and isinstance(item.value, str):
                first = item.value.split("\n", 1)[0]
                self.comments.append((self.lines.line(item.start), "// " + first))

    def labelled(
        self,
        btype: str,
        labels_left: int,
        node: _Node,
        offset: int,
        labels: tuple[str, ...],
        scope: str,
    ) -> Iterator[Block]:
        """The blocks a property value stands for: one object level per label, arrays for
        several entries; ``offset`` is the key the value belongs to (the block's line)."""
        if node.kind == "array":
            for item in node.items:
                yield from self.labelled(btype, labels_left, item, item.start, labels, scope)
            return
        if node.kind != "object":
            line, col = self.lines.pos(node.start)
            raise ParseError(f"a {btype} block must be a JSON object", line, col)
        if labels_left == 0:
            yield self.body(btype, labels, node, offset, scope)
            return
        for key, key_offset, value in node.members:
            if key == "//":
                self.comment(value)
                continue
            yield from self.labelled(
                btype, labels_left - 1, value, key_offset, (*labels, key), scope
            )

    def body(
        self, btype: str, labels: tuple[str, ...], node: _Node, offset: int, scope: str
    ) -> Block:
        line, col = self.lines.pos(offset)
        block = Block(
            type=btype,
            labels=labels,
            line=line,
            col=col,
            end_line=self.lines.line(node.end - 1),
        )
        resource_type = labels[0] if scope in ("resource", "data") and labels else ""
        literal = scope == "terraform"
        for key, key_offset, value in node.members:
            if key == "//":
                self.comment(value)
                continue
            nested = self.nested_labels(btype, key, value, resource_type, scope)
            if nested is not None:
                block.blocks.extend(self.labelled(key, nested, value, key_offset, (), scope))
                continue
            key_line, key_col = self.lines.pos(key_offset)
            if key in block.attributes:
                first = block.attributes[key].line
                raise ParseError(
                    f"attribute {key!r} redefined (first set on line {first})", key_line, key_col
                )
            mode = "literal" if literal or (btype, key) in _LITERAL else "template"
            if (btype, key) in _EXPRESSION or (
                ("*", key) in _EXPRESSION and btype in _META_ARGUMENT_BODIES
            ):
                mode = "expression"
            if btype == "module" and key == "providers":
                mode = "providers"
            block.attributes[key] = Attribute(
                key,
                self.value(value, mode),
                key_line,
                key_col,
                self.lines.line(max(value.end - 1, value.start)),
            )
        return block

    def nested_labels(
        self, btype: str, key: str, value: _Node, resource_type: str, scope: str
    ) -> int | None:
        """How many labels a nested block ``key`` takes, or ``None`` for an attribute."""
        if btype in _NO_NESTED or scope in ("locals", "module"):
            return None
        if (btype, key) in _LITERAL or (btype, key) in _EXPRESSION:
            return None
        if btype == "variable" and key != "validation":
            return None
        if btype == "output" and key not in ("precondition", "postcondition"):
            return None
        if value.kind not in ("object", "array"):
            return None
        labels = _nested_labels(btype, key, scope)
        if labels is not None:
            return labels
        if key == "metadata" and resource_type.startswith("kubernetes_"):
            return 0
        if key in MAP_ATTRIBUTES or key in _VALUES:
            return None
        if value.kind == "object":
            return 0 if _schema_keys(value) else None
        blocks = all(item.kind == "object" and _schema_keys(item) for item in value.items)
        return 0 if value.kind == "array" and value.items and blocks else None

    # -- values

    def value(self, node: _Node, mode: str) -> Value:
        kind = node.kind
        if kind == "string":
            text: str = node.value
            if mode == "literal":
                return text
            if mode in ("expression", "providers"):
                if text.startswith("${") and closing_brace(text, 2) == len(text) - 1:
                    text = text[2:-1]  # the pre-0.12 spelling, "${aws_s3_bucket.b}"
                return self.pending.add(text, node.start)
            if "${" not in text and "%{" not in text:
                return text
            return self.pending.add(_quoted(text), node.start)
        if kind == "array":
            return [self.value(item, mode) for item in node.items]
        if kind == "object":
            out: dict[str, Value] = {}
            for key, _, member in node.members:
                out[key] = self.value(member, "expression" if mode == "providers" else mode)
            return out
        value: Value = node.value
        return value


def _nested_labels(btype: str, key: str, scope: str) -> int | None:
    """The nested block types that take labels, where they do."""
    if key == "dynamic" and scope != "terraform":
        return 1
    if key == "provisioner" and btype in ("resource", "data"):
        return 1
    if key in ("backend", "provider_meta") and btype == "terraform":
        return 1
    if key == "data" and btype == "check":
        return 2
    return None


def _schema_keys(node: _Node) -> bool:
    """True when every key could be an attribute or block name of a provider schema."""
    return all(key == "//" or _SCHEMA_NAME.match(key) for key, _, _ in node.members)


_CONTROL = re.compile(r'[\\"\x00-\x1f]')
_ESCAPE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(chunk: str) -> str:
    return _CONTROL.sub(lambda m: _ESCAPE.get(m.group(0), f"\\u{ord(m.group(0)):04x}"), chunk)


def _quoted(text: str) -> str:
    """The HCL quoted string whose template is ``text``: literal chunks escaped,
    ``${...}``/``%{...}`` sequences (and their ``$${``/``%%{`` escapes) kept as written."""
    out: list[str] = ['"']
    i = 0
    n = len(text)
    chunk_start = 0
    while i < n:
        if text.startswith(("$${", "%%{"), i):
            i += 3
            continue
        if text.startswith(("${", "%{"), i):
            end = closing_brace(text, i + 2)
            if end < 0:
                break
            out.append(_escape(text[chunk_start:i]))
            out.append(text[i : end + 1])
            i = chunk_start = end + 1
            continue
        i += 1
    out.append(_escape(text[chunk_start:]))
    out.append('"')
    return "".join(out)


# --------------------------------------------------------------------------- HCL for strings


def _resolve(builder: _Builder, blocks: list[Block], parser: str) -> None:
    """Parse every pending string with the HCL parser and put the values in place."""
    pending = builder.pending
    if not pending.sources:
        return
    from pytest_devops_policy.formats.terraform.parser import adapter

    hcl = adapter(parser)
    source = "".join(f"_{i} = {s}\n" for i, s in enumerate(pending.sources))
    try:
        attributes, _ = hcl.parse(source)
        values = [attributes[f"_{i}"].value for i in range(len(pending.sources))]
    except (ParseError, KeyError):  # find the string at fault, one by one
        values = []
        for i, text in enumerate(pending.sources):
            try:
                values.append(hcl.parse(f"_ = {text}\n")[0]["_"].value)
            except (ParseError, KeyError) as exc:
                line, col = builder.lines.pos(pending.offsets[i])
                reason = exc.message if isinstance(exc, ParseError) else "no value"
                raise ParseError(
                    f"cannot read the expression {text}: {reason}", line, col
                ) from None
    for block in blocks:
        _fill_block(block, values)


def _fill_block(block: Block, values: list[Value]) -> None:
    for attr in block.attributes.values():
        attr.value = _fill(attr.value, values)
    for child in block.blocks:
        _fill_block(child, values)


def _fill(value: Value, values: list[Value]) -> Value:
    if isinstance(value, Expr):
        if value.kind == _SLOT and value.ref and isinstance(value.ref[0], int):
            return values[value.ref[0]]
        return value
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, Template):  # pragma: no cover - templates come from the HCL parser
        return value
    return value


# --------------------------------------------------------------------------- entry points


def parse(source: Source, parser: str) -> TfFile:
    """Parse a ``.tf.json`` file (or a ``.tfvars.json`` one) into the Terraform model."""
    from pytest_devops_policy.formats.terraform.parser import make_file

    root = _scan(source.text)
    builder = _Builder(source.text)
    if is_tfvars_json(source.path):
        return make_file(source, _tfvars(builder, root), [])
    blocks = builder.config(root)
    _resolve(builder, blocks, parser)
    return make_file(source, {}, blocks)


def _tfvars(builder: _Builder, root: _Node) -> dict[str, Attribute]:
    if root.kind != "object":
        raise ParseError(
            "a .tfvars.json file must hold one JSON object", *builder.lines.pos(root.start)
        )
    attributes: dict[str, Attribute] = {}
    for key, offset, node in root.members:
        if key == "//":
            continue
        line, col = builder.lines.pos(offset)
        value = builder.value(node, "literal")
        attributes[key] = Attribute(key, value, line, col, builder.lines.line(node.end - 1))
    return attributes


def comments(text: str) -> list[tuple[int, str]]:
    """The ``"//"`` comment properties of a ``.tf.json`` file's root and block bodies, as
    ``(line, "// <text>")``: where inline waivers go. A file that does not parse has none."""
    try:
        root = _scan(text)
        builder = _Builder(text)
        builder.config(root)
    except ParseError:
        return []
    return builder.comments
