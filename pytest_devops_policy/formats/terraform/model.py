"""Terraform (HCL2): a parser-neutral model of blocks, attributes and values.

The model (``Block``, ``Attribute``, ``Expr``, ``Template``) knows nothing of the
parser. Two adapters produce the same dataclasses: ``hcl_treesitter.TreeSitterAdapter``
(tree-sitter-hcl, the default) and ``_Hcl2Adapter`` (python-hcl2, selected with
``DEVOPS_POLICY_HCL_PARSER=hcl2``; see ``_LazyBackend``).

Values are what a policy compares:

* literals: ``str``, ``int``, ``float``, ``bool``, ``None``, ``list`` and ``dict``
  of values;
* ``Expr``: an HCL expression (``var.x``, ``aws_s3_bucket.b.id``,
  ``jsonencode({...})``), kept with its structure so ``TfModule`` can resolve
  the shallow, deterministic subset the catalog asks for (§5.2-2);
* ``Template``: a string with interpolations (``"logs-${var.env}"``).

``is_literal(value)`` tells a decided value from an unresolved one. Nothing is
ever executed or evaluated beyond that subset.
"""

from __future__ import annotations

import glob
import ipaddress
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeAlias

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.model import ParsedFile, ParseError, Source, Subject

if TYPE_CHECKING:
    from pytest_devops_policy.engine.evaluate import ParseCache

__all__ = [
    "Attribute",
    "Block",
    "Expr",
    "Template",
    "TfModule",
    "TfResource",
    "Value",
    "Variable",
    "build_index",
    "dependencies",
    "hcl",
    "index_scope",
    "is_internet_cidr",
    "is_literal",
    "module_files",
    "parse",
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
    * ``"other"``: for-expressions, splats, template directives: text only.

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


def is_internet_cidr(value: str) -> bool:
    """``0.0.0.0/0``, ``::/0`` and any other spelling of a zero-length prefix."""
    text = value.strip()
    if "/" not in text:
        return False
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False


def _number_text(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- model


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
    attributes that use its iterator are unresolved expressions.
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
        return [b for b in self.blocks if _entry_name(b) == name]

    def nested(self, name: str, module: TfModule | None = None) -> list[Block]:
        """Nested ``name`` blocks, with ``dynamic "name"`` blocks expanded (§5.2-3).

        A dynamic block whose ``for_each`` resolves to a literal list or map yields
        one block per element, with the iterator bound. Otherwise it yields its
        content once, marked ``dynamic=True``. ``module`` resolves ``for_each``
        through variables and locals; without it only literal lists expand.
        """
        out: list[Block] = []
        for entry in self.entries(name):
            if entry.type == "dynamic":
                out.extend(_expand_dynamic(entry, name, module))
            else:
                out.append(entry)
        return out

    def first(self, name: str, module: TfModule | None = None) -> Block | None:
        found = self.nested(name, module)
        return found[0] if found else None


def _entry_name(block: Block) -> str:
    if block.type == "dynamic" and block.labels:
        return block.labels[0]
    return block.type


def _assign_paths(block: Block, base: tuple[PathPart, ...]) -> None:
    """Give every nested block its key path; a dynamic block and its content share one."""
    block.path = base
    counters: dict[str, int] = {}
    for child in block.blocks:
        name = _entry_name(child)
        index = counters.get(name, 0)
        counters[name] = index + 1
        child_path = (*base, name, index)
        if child.type == "dynamic":
            child.path = child_path
            for inner in child.blocks:
                if inner.type == "content":
                    _assign_paths(inner, child_path)
        else:
            _assign_paths(child, child_path)


def _expand_dynamic(dyn: Block, name: str, module: TfModule | None) -> list[Block]:
    content = next((b for b in dyn.blocks if b.type == "content"), None)
    if content is None:
        return []
    iterator = name
    it_value = dyn.get("iterator")
    if isinstance(it_value, Expr) and it_value.kind == "ref" and len(it_value.ref) == 1:
        iterator = str(it_value.ref[0])
    elif isinstance(it_value, str):
        iterator = it_value
    for_each = dyn.get("for_each")
    resolved = module.resolve(for_each) if module is not None else for_each
    items: list[tuple[Value, Value]] | None = None
    if is_literal(resolved):
        if isinstance(resolved, list):
            items = [(i, v) for i, v in enumerate(resolved)]
        elif isinstance(resolved, dict):
            items = list(resolved.items())
    if items is None:
        return [replace(content, type=name, labels=(), path=dyn.path, dynamic=True)]
    return [_bind_block(content, name, dyn.path, iterator, key, value) for key, value in items]


def _bind_block(
    content: Block, name: str, path: tuple[PathPart, ...], iterator: str, key: Value, value: Value
) -> Block:
    def lookup(ref: tuple[str | int, ...]) -> Value | _Missing:
        if not ref or ref[0] != iterator or len(ref) < 2:
            return MISSING
        if ref[1] == "key":
            return key if len(ref) == 2 else MISSING
        if ref[1] == "value":
            return _walk(value, ref[2:])
        return MISSING

    return _substitute_block(content, lookup, name=name, path=path)


def _substitute_block(
    block: Block,
    lookup: Callable[[tuple[str | int, ...]], Value | _Missing],
    *,
    name: str | None = None,
    path: tuple[PathPart, ...] | None = None,
) -> Block:
    attrs = {k: replace(a, value=substitute(a.value, lookup)) for k, a in block.attributes.items()}
    children = [_substitute_block(b, lookup) for b in block.blocks]
    return replace(
        block,
        type=block.type if name is None else name,
        labels=block.labels if name is None else (),
        attributes=attrs,
        blocks=children,
        path=block.path if path is None else path,
        dynamic=False,
    )


class _Missing:
    """Sentinel: a lookup has nothing for this reference."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


def substitute(value: Value, lookup: Callable[[tuple[str | int, ...]], Value | _Missing]) -> Value:
    """Replace static references for which ``lookup`` has a value (iterators, ``each``)."""
    if isinstance(value, list):
        return [substitute(v, lookup) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, lookup) for k, v in value.items()}
    if isinstance(value, Template):
        parts = [p if isinstance(p, str) else substitute(p, lookup) for p in value.parts]
        return _make_template(parts)
    if isinstance(value, Expr):
        if value.kind == "ref":
            found = lookup(value.ref)
            return value if isinstance(found, _Missing) else found
        if value.args:
            args = tuple(substitute(a, lookup) for a in value.args)
            if args != value.args:
                return replace(value, args=args)
    return value


def _walk(value: Value, parts: Sequence[str | int]) -> Value | _Missing:
    """Follow attribute/index steps into a literal value."""
    current: Value = value
    for part in parts:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            current = current[part]
            continue
        if (
            isinstance(current, list)
            and isinstance(part, int)
            and not isinstance(part, bool)
            and 0 <= part < len(current)
        ):
            current = current[part]
            continue
        return MISSING
    return current


def _scalar_text(value: Value) -> str | None:
    """How Terraform renders a scalar inside a template; ``None`` if it cannot."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return _number_text(value)
    return None


def _make_template(parts: Iterable[Value]) -> Value:
    """Merge literal chunks; a template that is only literal becomes a ``str``, and one
    that is a single interpolation becomes that value (Terraform keeps its type)."""
    merged: list[str | Expr] = []
    items = list(parts)
    if len(items) == 1 and not isinstance(items[0], str):
        return items[0]
    for part in items:
        text = _scalar_text(part) if not isinstance(part, (Expr, Template)) else None
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


# --------------------------------------------------------------------------- subject


class TfResource(Subject):
    """One ``resource "<type>" "<name>"`` block; its label is the address ``<type>.<name>``."""

    kind: ClassVar[str] = "terraform"
    key: ClassVar[str] = "tf_resource"

    def __init__(self, source: Source, block: Block) -> None:
        self.block = block
        self.type = block.labels[0]
        self.name = block.labels[1]
        super().__init__(source, f"{self.type}.{self.name}", block.line, block.col)

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"

    @property
    def end_line(self) -> int:
        return self.block.end_line

    @property
    def disabled(self) -> bool:
        """``count = 0`` or an empty literal ``for_each``: no instance exists (§5.2-6)."""
        count = self.block.get("count")
        if isinstance(count, int) and not isinstance(count, bool) and count == 0:
            return True
        for_each = self.block.get("for_each")
        return self.block.has("for_each") and for_each in ([], {})

    def get(self, name: str, default: Value = None) -> Value:
        return self.block.get(name, default)

    def has(self, name: str) -> bool:
        return self.block.has(name)

    def attr(self, name: str) -> Attribute | None:
        return self.block.attr(name)

    def blocks(self, name: str, module: TfModule | None = None) -> list[Block]:
        return self.block.nested(name, module)

    def first(self, name: str, module: TfModule | None = None) -> Block | None:
        return self.block.first(name, module)

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        """``("acl",)``, ``("lifecycle", "prevent_destroy")``, ``("ingress", 1, "cidr_blocks")``.

        Walks attributes and nested blocks; a path that leaves the source (an
        attribute that is absent) stops at the deepest block found, which is
        where the missing setting belongs.
        """
        node = self.block
        fallback: Block | None = None  # a dynamic block's own attributes (for_each)
        pos = (node.line, node.col)
        parts = list(path)
        i = 0
        while i < len(parts):
            part = parts[i]
            if not isinstance(part, str):
                break
            attr = node.attributes.get(part)
            if attr is None and fallback is not None:
                attr = fallback.attributes.get(part)
            if attr is not None:
                return (attr.line, attr.col)
            entries = node.entries(part)
            if not entries:
                break
            nxt = parts[i + 1] if i + 1 < len(parts) else None
            index = nxt if isinstance(nxt, int) and not isinstance(nxt, bool) else 0
            i += 2 if isinstance(nxt, int) else 1
            if not 0 <= index < len(entries):
                break
            entry = entries[index]
            pos = (entry.line, entry.col)
            fallback = None
            if entry.type == "dynamic":
                content = next((b for b in entry.blocks if b.type == "content"), None)
                if content is None:
                    break
                node, fallback = content, entry
            else:
                node = entry
        return pos

    def waiver_lines(self) -> Iterable[int]:
        # The catalog puts inline waivers inside the block (§5.1).
        return range(self.block.line, self.block.end_line + 1)


# --------------------------------------------------------------------------- parsing


def parse(source: Source) -> ParsedFile:
    """Parse one ``.tf`` (or ``.tfvars``) file into resources and top-level blocks."""
    attributes, blocks = _BACKEND.parse(source.text)
    subjects: list[Subject] = []
    seen: dict[str, int] = {}
    for block in blocks:
        _assign_paths(block, ())
        if block.type != "resource" or len(block.labels) < 2:
            continue
        resource = TfResource(source, block)
        if resource.address in seen:
            raise ParseError(
                f"duplicate resource {resource.address} (first defined on line "
                f"{seen[resource.address]})",
                block.line,
                block.col,
            )
        seen[resource.address] = block.line
        subjects.append(resource)
    return ParsedFile(
        source=source,
        kind="terraform",
        subjects=subjects,
        extra={"attributes": attributes, "blocks": blocks},
    )


_REF_TEXT = re.compile(r"^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*$")
_REF_PART = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]")


def _expr_from_text(text: str) -> Expr:
    """An interpolation found in raw heredoc text: a traversal, or opaque text."""
    text = text.strip().strip("~").strip()
    if _REF_TEXT.match(text):
        head = re.match(r"^[A-Za-z_][\w-]*", text)
        if head is None:  # unreachable: _REF_TEXT matched
            return Expr(text)
        parts: list[str | int] = [head.group(0)]
        for m in _REF_PART.finditer(text, head.end()):
            parts.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        return Expr(text, "ref", ref=tuple(parts))
    return Expr(text)


_HEREDOC_START = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n")


def _heredoc_body(raw: str) -> str:
    """The value of a heredoc token ``<<[-]MARKER\n...\nMARKER``.

    Read from the raw token: python-hcl2 8.1 escapes quotes in ``<<-`` bodies even
    when asked for values. As in Terraform, the body keeps the newline that ends
    each content line, and ``<<-`` removes the smallest indentation of the
    non-blank lines.
    """
    match = _HEREDOC_START.match(raw)
    if match is None:
        return raw
    lines = raw[match.end() :].replace("\r\n", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and lines[-1].strip() == match.group(2):
        lines.pop()
    if match.group(1):
        indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
        cut = min(indents, default=0)
        lines = [line[cut:] for line in lines]
    return "".join(line + "\n" for line in lines)


def _split_heredoc(body: str) -> Value:
    """Heredoc bodies are raw text: find ``${...}``/``%{...}``, honour ``$${``/``%%{`` escapes."""
    parts: list[Value] = []
    chunk: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        two = body[i : i + 2]
        three = body[i : i + 3]
        if three in ("$${", "%%{"):
            chunk.append(three[1:])
            i += 3
            continue
        if two in ("${", "%{"):
            end = _closing_brace(body, i + 2)
            if end < 0:  # unbalanced: keep the rest as literal text
                chunk.append(body[i:])
                break
            if chunk:
                parts.append("".join(chunk))
                chunk = []
            inner = body[i + 2 : end]
            parts.append(_expr_from_text(inner) if two == "${" else Expr(body[i : end + 1]))
            i = end + 1
            continue
        chunk.append(body[i])
        i += 1
    if chunk:
        parts.append("".join(chunk))
    if not parts:
        return ""
    if len(parts) == 1 and isinstance(parts[0], str):
        return parts[0]
    merged = _make_template(parts)
    # A heredoc is always a string; keep a lone interpolation as a template.
    if isinstance(merged, Expr):
        return Template((merged,))
    return merged


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    quote = False
    i = start
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                quote = False
        elif c == '"':
            quote = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


class _Hcl2Adapter:
    """The only code that knows python-hcl2 and lark.

    It walks the rule tree from ``hcl2.parses()`` (8.x), because that is where
    line numbers live (``_meta``), and converts expressions itself so that a
    literal is told apart from an expression exactly, without guessing from
    serialized ``"${...}"`` strings.
    """

    def __init__(self) -> None:
        import hcl2
        from hcl2.rules import base, containers, expressions, functions, indexing, strings
        from hcl2.rules import literal_rules as lit
        from hcl2.utils import SerializationContext, SerializationOptions, process_escape_sequences
        from lark.exceptions import (
            UnexpectedCharacters,
            UnexpectedEOF,
            UnexpectedInput,
            UnexpectedToken,
        )

        self.hcl2 = hcl2
        self.base = base
        self.c = containers
        self.e = expressions
        self.f = functions
        self.ix = indexing
        self.lit = lit
        self.s = strings
        self.ctx = SerializationContext
        self.unescape: Callable[[str], str] = process_escape_sequences
        self.text_opts = SerializationOptions(
            with_comments=False, explicit_blocks=False, wrap_objects=True, wrap_tuples=True
        )
        self.unexpected_input = UnexpectedInput
        self.unexpected_token = UnexpectedToken
        self.unexpected_chars = UnexpectedCharacters
        self.unexpected_eof = UnexpectedEOF

    # -- entry point

    def parse(self, text: str) -> tuple[dict[str, Attribute], list[Block]]:
        try:
            tree = self.hcl2.parses(text, discard_comments=True)
        except self.unexpected_input as exc:
            raise self._syntax_error(exc, text) from None
        except RecursionError:
            raise ParseError("nesting too deep to parse", 1, 1) from None
        try:
            return self._body(tree.body, text)
        except ParseError:
            raise
        except RecursionError:
            raise ParseError("nesting too deep to parse", 1, 1) from None
        except Exception as exc:  # the transformer raises assorted types on odd input
            raise ParseError(f"cannot read HCL: {exc}", 1, 1) from None

    def _syntax_error(self, exc: Any, text: str) -> ParseError:
        line = getattr(exc, "line", None)
        col = getattr(exc, "column", None)
        last_line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        if not isinstance(line, int) or line < 1:
            line, col = last_line, 1
        line = min(line, last_line + 1)
        if isinstance(exc, self.unexpected_token):
            token = exc.token
            if token.type == "$END":
                message = "unexpected end of file"
            else:
                raw = str(token.value)
                if raw[:1] in ("\n", "\r"):
                    message = "unexpected newline"
                else:
                    first = raw.strip().splitlines()[0] if raw.strip() else raw
                    if len(first) > 24:
                        first = first[:24] + "…"
                    message = f"unexpected token {first!r}"
            hint = _expected_hint(set(getattr(exc, "expected", ()) or ()), str(token.value))
            if hint:
                message += f"; {hint}"
        elif isinstance(exc, self.unexpected_chars):
            message = f"unexpected character {exc.char!r}"
        elif isinstance(exc, self.unexpected_eof):
            message = "unexpected end of file"
        else:
            message = "syntax error"
        return ParseError(message, line, col if isinstance(col, int) else 1)

    # -- structure

    def _body(self, body: Any, text: str) -> tuple[dict[str, Attribute], list[Block]]:
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for child in body.children:
            if isinstance(child, self.base.AttributeRule):
                name = str(child.identifier.serialize())
                line, col, end = self._pos(child)
                if name in attributes:
                    raise ParseError(
                        f"attribute {name!r} redefined (first set on line {attributes[name].line})",
                        line,
                        col,
                    )
                end = self._end_line(child.expression, text, end)
                attributes[name] = Attribute(name, self._value(child.expression), line, col, end)
            elif isinstance(child, self.base.BlockRule):
                labels = child.labels
                line, col, end = self._pos(child)
                attrs, nested = self._body(child.body, text)
                blocks.append(
                    Block(
                        type=str(labels[0].serialize()),
                        labels=tuple(self._label(label) for label in labels[1:]),
                        attributes=attrs,
                        blocks=nested,
                        line=line,
                        end_line=end,
                        col=col,
                    )
                )
        return attributes, blocks

    @staticmethod
    def _end_line(rule: Any, text: str, default: int) -> int:
        """The line of a value's last character. A binary operation's rule also owns the
        newlines and comments after it, and a heredoc token its final newline: descend
        to the last real child and step back over trailing whitespace."""
        node = rule
        while True:
            children = getattr(node, "children", None) or ()
            last = next((c for c in reversed(children) if c is not None), None)
            if last is None or getattr(last, "_meta", None) is None:
                break
            node = last
        meta = getattr(node, "_meta", None)
        end_pos = getattr(meta, "end_pos", None)
        end_line = getattr(meta, "end_line", None)
        if not isinstance(end_pos, int) or not isinstance(end_line, int):
            return default
        end = end_pos
        while end > 0 and text[end - 1] in " \t\r\n":
            end -= 1
        return end_line - text.count("\n", end, end_pos)

    @staticmethod
    def _pos(rule: Any) -> tuple[int, int, int]:
        meta = getattr(rule, "_meta", None)
        line = getattr(meta, "line", None) or 1
        col = getattr(meta, "column", None) or 1
        end = getattr(meta, "end_line", None) or line
        return int(line), int(col), int(end)

    def _label(self, label: Any) -> str:
        if isinstance(label, self.s.StringRule):
            value = self._string(label)
            return value if isinstance(value, str) else hcl(value)
        return str(label.serialize())

    # -- expressions

    def _text(self, node: Any) -> str:
        return str(node.serialize(self.text_opts, self.ctx(inside_dollar_string=True)))

    def _value(self, node: Any) -> Value:
        e, lit, c, s, ix = self.e, self.lit, self.c, self.s, self.ix
        if isinstance(node, e.ExprTermRule):
            return self._value(node.expression)
        if isinstance(node, s.StringRule):
            return self._string(node)
        if isinstance(node, lit.IntLitRule):
            return int(str(node.token.value))
        if isinstance(node, lit.FloatLitRule):
            return float(str(node.token.value))
        if isinstance(node, lit.LiteralValueRule):
            word = str(node.token.value)
            return {"true": True, "false": False, "null": None}.get(word, Expr(word))
        if isinstance(node, c.TupleRule):
            return [self._value(el) for el in node.elements]
        if isinstance(node, c.ObjectRule):
            return self._object(node)
        if isinstance(node, s.HeredocTemplateRule):  # also the <<- subclass
            return _split_heredoc(_heredoc_body(str(node.heredoc.value)))
        if isinstance(node, lit.IdentifierRule):
            name = str(node.serialize())
            return Expr(name, "ref", ref=(name,))
        if isinstance(node, ix.GetAttrExprTermRule):
            return self._getattr(node)
        if isinstance(node, ix.IndexExprTermRule):
            return self._index(node)
        if isinstance(node, self.f.FunctionCallRule):
            return self._call(node)
        if isinstance(node, e.ConditionalRule):
            branches = (
                self._value(node.condition),
                self._value(node.if_true),
                self._value(node.if_false),
            )
            return Expr(self._text(node), "cond", args=branches)
        if isinstance(node, e.BinaryOpRule):
            op = str(node.binary_term.binary_operator.serialize()).strip()
            args = (self._value(node.expr_term), self._value(node.binary_term.expr_term))
            return Expr(self._text(node), "binary", op=op, args=args)
        if isinstance(node, e.UnaryOpRule):
            op = node.operator.strip()
            operand = self._value(node.expr_term)
            if op == "-" and isinstance(operand, (int, float)) and not isinstance(operand, bool):
                return -operand
            return Expr(self._text(node), "unary", op=op, args=(operand,))
        return Expr(self._text(node))

    def _string(self, node: Any) -> Value:
        parts: list[Value] = []
        for part in node.string_parts:
            content = part.content
            if isinstance(content, self.s.InterpolationRule):
                parts.append(self._value(content.expression))
                continue
            name = content.lark_name() if hasattr(content, "lark_name") else ""
            raw = str(getattr(content, "value", ""))
            if name == "STRING_CHARS":
                parts.append(self.unescape(raw))
            elif name in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                parts.append(raw[1:])  # "$${x}" is the literal text "${x}"
            else:  # a template directive (%{ if }, %{ for })
                parts.append(Expr(str(part.serialize(self.text_opts, self.ctx()))))
        if not parts:
            return ""
        return _make_template(parts)

    def _object(self, node: Any) -> Value:
        result: dict[str, Value] = {}
        for element in node.elements:
            key_rule = element.key
            if not isinstance(key_rule, self.c.ObjectElemKeyRule):
                return Expr(self._text(node))  # computed keys: the map is not literal
            inner = key_rule.value
            if isinstance(inner, self.s.StringRule):
                key = self._string(inner)
                if not isinstance(key, str):
                    return Expr(self._text(node))
            else:
                key = str(key_rule.serialize())
            result[key] = self._value(element.expression)
        return result

    def _getattr(self, node: Any) -> Value:
        base = self._value(node.expr_term)
        name = str(node.get_attr.identifier.serialize())
        if isinstance(base, Expr) and base.kind == "ref":
            return Expr(self._text(node), "ref", ref=(*base.ref, name))
        return Expr(self._text(node), "getattr", args=(base, name))

    def _index(self, node: Any) -> Value:
        base = self._value(node.children[0])
        index_rule = node.children[1]
        key: Value
        if isinstance(index_rule, self.ix.SqbIndexRule):
            key = self._value(index_rule.index_expression)
        else:  # legacy ".0" index
            key = int(str(index_rule.index.value))
        if (
            isinstance(base, Expr)
            and base.kind == "ref"
            and isinstance(key, (int, str))
            and not isinstance(key, bool)
        ):
            return Expr(self._text(node), "ref", ref=(*base.ref, key))
        return Expr(self._text(node), "index", args=(base, key))

    def _call(self, node: Any) -> Value:
        name = "::".join(str(i.serialize()) for i in node.identifiers)
        arguments = node.arguments
        if arguments is not None and arguments.has_ellipsis:
            return Expr(self._text(node))  # f(list...) cannot be evaluated shallowly
        args = tuple(self._value(a) for a in arguments.arguments) if arguments is not None else ()
        return Expr(self._text(node), "call", op=name, args=args)


_SYMBOLS = {
    "RBRACE": "'}'",
    "RSQB": "']'",
    "RPAR": "')'",
    "COMMA": "','",
    "EQ": "'='",
    "COLON": "':'",
    "LBRACE": "'{'",
}
_EXPRESSION_START = {"INT_LITERAL", "FLOAT_LITERAL", "LSQB", "LPAR", "HEREDOC_TEMPLATE"}


def _expected_hint(expected: set[str], found: str = "") -> str:
    """A short hint from lark's expected-terminal set (never the full dump)."""
    if "STRING_CHARS" in expected and "DBLQUOTE" in expected:
        return "unterminated string"
    if expected & _EXPRESSION_START:
        return "expected an expression"
    if {"NAME", "NL_OR_COMMENT"} <= expected and found.strip()[:1] not in ("}", "]", ")"):
        return "expected a newline"  # e.g. two values on one line: `x = 2 3`
    symbols = sorted(_SYMBOLS[t] for t in expected if t in _SYMBOLS)
    if symbols:
        return "expected " + " or ".join(symbols)
    return ""


class _Adapter(Protocol):
    def parse(self, text: str) -> tuple[dict[str, Attribute], list[Block]]: ...


PARSER_ENV = "DEVOPS_POLICY_HCL_PARSER"
_TREE_SITTER_PINS = "'tree-sitter>=0.24,<0.27' 'tree-sitter-hcl>=1.2,<1.3'"


class _LazyBackend:
    """Pick and import the HCL parser on first parse, not on import of this module.

    tree-sitter-hcl by default; ``DEVOPS_POLICY_HCL_PARSER=hcl2`` selects python-hcl2
    (kept as a fallback and as the oracle of the differential tests). The variable
    is read on every parse so a test can switch; each adapter is built once.
    """

    def __init__(self) -> None:
        self._adapters: dict[str, _Adapter] = {}

    def parse(self, text: str) -> tuple[dict[str, Attribute], list[Block]]:
        choice = os.environ.get(PARSER_ENV, "").strip().lower() or "tree-sitter"
        adapter = self._adapters.get(choice)
        if adapter is None:
            adapter = self._adapters[choice] = _make_adapter(choice)
        return adapter.parse(text)


def _make_adapter(choice: str) -> _Adapter:
    if choice in ("hcl2", "python-hcl2"):
        try:
            return _Hcl2Adapter()
        except ImportError:
            raise ParseError(
                f"{PARSER_ENV}={choice} needs python-hcl2: pip install 'python-hcl2>=8.1,<9'"
            ) from None
    if choice not in ("tree-sitter", "treesitter"):
        raise ParseError(f"{PARSER_ENV}={choice!r} is not a parser: use 'tree-sitter' or 'hcl2'")
    try:
        from pytest_devops_policy.formats.terraform.hcl_treesitter import TreeSitterAdapter

        return TreeSitterAdapter()
    except (ImportError, ValueError, TypeError) as exc:  # missing, or a grammar ABI mismatch
        reason = str(exc) or type(exc).__name__
    try:
        return _Hcl2Adapter()
    except ImportError:
        raise ParseError(
            f"cannot load the Terraform parser ({reason}): pip install {_TREE_SITTER_PINS}"
        ) from None


_BACKEND = _LazyBackend()


# --------------------------------------------------------------------------- module index


@dataclass
class Variable:
    """``variable "name" { default = ... }``; ``value`` is the tfvars value or the default."""

    name: str
    line: int
    source: str
    has_value: bool
    value: Value = None


_MAX_DEPTH = 5
_MAX_CANDIDATES = 32


class TfModule:
    """The files of one module directory: resources, variables, locals, data sources.

    Built once per directory (``build_index``); resolution is shallow and
    deterministic (§5.2-2): ``var.x`` -> tfvars, then ``default``; ``local.x``
    -> its value (depth <= 5); a few pure functions on literal arguments;
    conditionals whose condition resolves. Anything else stays an ``Expr``.
    """

    def __init__(self, directory: str, files: Sequence[ParsedFile]) -> None:
        self.directory = directory
        self.files = list(files)
        self.resources: list[TfResource] = []
        self.variables: dict[str, Variable] = {}
        self.locals: dict[str, Attribute] = {}
        self.data: dict[tuple[str, str], Block] = {}
        self._by_type: dict[str, list[TfResource]] = {}
        tfvars: dict[str, Value] = {}
        for parsed in self.files:
            if _is_tfvars(parsed.source.path):
                for attr in parsed.extra.get("attributes", {}).values():
                    tfvars[attr.name] = attr.value
                continue
            for subject in parsed.subjects:
                if isinstance(subject, TfResource):
                    self.resources.append(subject)
                    self._by_type.setdefault(subject.type, []).append(subject)
            for block in parsed.extra.get("blocks", []):
                if block.type == "variable" and block.labels:
                    self.variables[block.labels[0]] = Variable(
                        name=block.labels[0],
                        line=block.line,
                        source=parsed.source.relpath,
                        has_value=block.has("default"),
                        value=block.get("default"),
                    )
                elif block.type == "locals":
                    self.locals.update(block.attributes)
                elif block.type == "data" and len(block.labels) >= 2:
                    self.data[(block.labels[0], block.labels[1])] = block
        for name, value in tfvars.items():
            var = self.variables.get(name)
            if var is not None:
                var.value, var.has_value = value, True

    # -- lookups

    def by_type(self, *types: str) -> list[TfResource]:
        out: list[TfResource] = []
        for t in types:
            out.extend(self._by_type.get(t, ()))
        return out

    def resource(self, address: str) -> TfResource | None:
        rtype, _, name = address.partition(".")
        return next((r for r in self._by_type.get(rtype, ()) if r.name == name), None)

    # -- values

    def resolve(self, value: Value, _depth: int = 0) -> Value:
        """Substitute what can be known statically; unresolved parts stay ``Expr``."""
        if isinstance(value, list):
            return [self.resolve(v, _depth) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v, _depth) for k, v in value.items()}
        if isinstance(value, Template):
            return _make_template(
                p if isinstance(p, str) else self.resolve(p, _depth) for p in value.parts
            )
        if not isinstance(value, Expr):
            return value
        if value.kind == "ref":
            return self._resolve_ref(value, _depth)
        args = tuple(self.resolve(a, _depth) for a in value.args)
        if value.kind == "cond":
            cond, if_true, if_false = args
            if isinstance(cond, bool):
                return if_true if cond else if_false
            if is_literal(if_true) and if_true == if_false:
                return if_true
        elif value.kind == "call" and all(is_literal(a) for a in args):
            result = _call(value.op, args)
            if not isinstance(result, _Missing):
                return result
        elif value.kind == "binary" and all(is_literal(a) for a in args):
            result = _binary(value.op, args[0], args[1])
            if not isinstance(result, _Missing):
                return result
        elif value.kind == "unary" and is_literal(args[0]):
            if value.op == "!" and isinstance(args[0], bool):
                return not args[0]
        elif value.kind in ("getattr", "index") and is_literal(args[0]):
            key = args[1]
            if isinstance(key, (str, int)):
                found = _walk(args[0], [key])
                if not isinstance(found, _Missing):
                    return found
        return replace(value, args=args) if args != value.args else value

    def _resolve_ref(self, value: Expr, depth: int) -> Value:
        ref = value.ref
        if len(ref) >= 2 and ref[0] == "var" and isinstance(ref[1], str):
            var = self.variables.get(ref[1])
            if var is None or not var.has_value or depth > _MAX_DEPTH:
                return value
            found = _walk(self.resolve(var.value, depth + 1), ref[2:])
            return value if isinstance(found, _Missing) else found
        if len(ref) >= 2 and ref[0] == "local" and isinstance(ref[1], str):
            attr = self.locals.get(ref[1])
            if attr is None or depth >= _MAX_DEPTH:
                return value
            base = self.resolve(attr.value, depth + 1)
            if len(ref) == 2:
                return base  # may still be an expression: useful for linking
            found = _walk(base, ref[2:])
            return value if isinstance(found, _Missing) else found
        if len(ref) == 4 and ref[0] == "data" and depth < _MAX_DEPTH:
            block = self.data.get((str(ref[1]), str(ref[2])))
            if block is not None:
                doc = _policy_document(block, str(ref[3]), self)
                if doc is not None:
                    resolved = self.resolve(doc, depth + 1)
                    # Literal documents become the JSON string; others stay a
                    # jsonencode() call whose argument policies can still inspect.
                    encoded = _call("jsonencode", (resolved,)) if is_literal(resolved) else MISSING
                    if isinstance(encoded, _Missing):
                        return Expr(value.text, "call", op="jsonencode", args=(resolved,))
                    return encoded
        return value

    def instances(self, value: Value, within: TfResource | None = None) -> list[Value]:
        """One value per instance when ``within`` has a literal ``for_each``/``count``
        and the value uses ``each.*``/``count.index``; otherwise just the value."""
        if within is not None and _mentions(value, ("each", "count")):
            return _instances(value, within, self)
        return [value]

    def alternatives(self, value: Value) -> list[Value]:
        """The resolved value, or both branches of a conditional whose condition does
        not resolve (recursively): exactly one of them will be used."""
        found = self._branches(self.resolve(value), 0)
        return found if len(found) <= _MAX_CANDIDATES else [self.resolve(value)]

    def candidates(self, value: Value, within: TfResource | None = None) -> list[Value]:
        """Every value the attribute may take, over instances and alternatives."""
        return [alt for inst in self.instances(value, within) for alt in self.alternatives(inst)]

    def _branches(self, value: Value, depth: int) -> list[Value]:
        if isinstance(value, Expr) and value.kind == "cond" and depth < _MAX_DEPTH:
            return self._branches(value.args[1], depth + 1) + self._branches(
                value.args[2], depth + 1
            )
        return [value]

    def decide(
        self,
        value: Value,
        test: Callable[[Value], bool | None],
        within: TfResource | None = None,
    ) -> bool | None:
        """Does ``test`` (a "this value is fine" check) hold? Tri-state:

        * alternatives of an unresolved conditional must agree, otherwise ``None``
          (§5.2-2: UNKNOWN unless both branches pass or both fail);
        * instances of a resource with a literal ``for_each``/``count`` all exist, so
          one instance that definitely fails makes the answer ``False``;
        * an unresolved value gives ``None``.
        """
        verdicts: list[bool | None] = []
        for instance in self.instances(value, within):
            results: list[bool | None] = [
                test(alt) if is_literal(alt) else None for alt in self.alternatives(instance)
            ]
            if None in results:
                verdicts.append(None)
            elif all(results):
                verdicts.append(True)
            elif not any(results):
                verdicts.append(False)
            else:
                verdicts.append(None)
        if False in verdicts:
            return False
        if None in verdicts:
            return None
        return True

    def violates(
        self,
        value: Value,
        bad: Callable[[Value], bool | None],
        within: TfResource | None = None,
    ) -> bool | None:
        """The mirror of ``decide`` for a test that recognises a *bad* value:
        ``True`` when some instance is definitely bad."""

        def fine(candidate: Value) -> bool | None:
            verdict = bad(candidate)
            return None if verdict is None else not verdict

        verdict = self.decide(value, fine, within)
        return None if verdict is None else not verdict

    def explain(self, value: Value) -> str:
        """Why a value cannot be resolved, in a few words."""
        expr = _first_unresolved(self.resolve(value))
        if expr is None:
            return "it is not a literal value"
        if expr.kind == "ref" and expr.ref:
            root = expr.ref[0]
            name = expr.ref[1] if len(expr.ref) > 1 else ""
            if root == "var":
                if name not in self.variables:
                    return f"var.{name} is not declared in this module"
                return f"var.{name} has no default"
            if root == "local":
                return f"local.{name} does not resolve to a literal"
            if root in ("each", "count"):
                return f"{expr.text} differs per instance"
            if root == "data":
                return f"{expr.text} is only known at plan time"
            if root in ("module", "path", "terraform", "self"):
                return f"{expr.text} is not resolved statically"
            if name in ("key", "value") and "_" not in str(root):
                return f"{expr.text} is a dynamic block iterator whose for_each does not resolve"
            return f"{expr.text} is only known after apply"
        if expr.kind == "call":
            return f"{expr.op}() is not evaluated statically"
        return f"{expr.text} is not evaluated statically"

    # -- linking (§5.2-4)

    def refers_to(self, value: Value, target: TfResource, attrs: Sequence[str] = ("id",)) -> bool:
        """Does the value reference ``<target>.<attr>`` (any instance index)?"""
        pattern = re.compile(
            r"(?<![\w.-])"
            + re.escape(target.type)
            + r"\."
            + re.escape(target.name)
            + r"(?:\[[^\]]*\]|\.\d+)*\.(?:"
            + "|".join(re.escape(a) for a in attrs)
            + r")(?![\w-])"
        )
        return any(pattern.search(text) for text in _expr_texts(self.resolve(value)))

    def linked(
        self,
        target: TfResource,
        types: Sequence[str],
        via: str,
        attrs: Sequence[str] = ("id",),
        name_attr: str | None = None,
    ) -> list[TfResource]:
        """Resources of ``types`` whose ``via`` attribute points at ``target``: by
        reference (``aws_s3_bucket.x.id``), or by an equal literal name when
        ``name_attr`` names the target's own name attribute (``bucket``)."""
        name: Value = None
        if name_attr is not None:
            name = self.resolve(target.get(name_attr))
        out: list[TfResource] = []
        for res in self.by_type(*types):
            value = res.get(via)
            if value is None:
                continue
            if self.refers_to(value, target, attrs) or (
                isinstance(name, str) and name and self.resolve(value) == name
            ):
                out.append(res)
        return out

    def opaque(self, value: Value) -> bool:
        """True when the value has unresolved parts other than references to resources
        (a variable without default, a function call...): it might point anywhere."""
        resolved = self.resolve(value)
        if is_literal(resolved):
            return False
        return not all(_RESOURCE_REF.match(text) for text in _unresolved_texts(resolved))

    def unlinked(self, types: Sequence[str], via: str) -> list[TfResource]:
        """Resources of ``types`` whose ``via`` target cannot be determined statically:
        they might attach to anything, so absence of a link is not proof."""
        return [r for r in self.by_type(*types) if not r.disabled and self.opaque(r.get(via))]

    def s3_linked(self, bucket: TfResource, rtype: str) -> list[TfResource]:
        """``aws_s3_bucket_<x>`` resources attached to this bucket (``bucket = ...``)."""
        return self.linked(
            bucket, (rtype,), via="bucket", attrs=("id", "bucket"), name_attr="bucket"
        )

    def s3_bucket_of(self, resource: TfResource) -> TfResource | None:
        """The ``aws_s3_bucket`` a bucket-level resource attaches to, if in this module."""
        for bucket in self.by_type("aws_s3_bucket"):
            if resource in self.s3_linked(bucket, resource.type):
                return bucket
        return None

    def account_public_access_blocks(self) -> list[TfResource]:
        return [r for r in self.by_type("aws_s3_account_public_access_block") if not r.disabled]


_RESOURCE_REF = re.compile(
    r"(?<![\w.-])(?!var\.|local\.|each\.|count\.)[a-z][a-z0-9]*_[\w-]*\.[\w-]+"
)


def _expr_texts(value: Value) -> Iterator[str]:
    if isinstance(value, Expr):
        yield value.text
        for arg in value.args:
            yield from _expr_texts(arg)
    elif isinstance(value, Template):
        for part in value.parts:
            if isinstance(part, Expr):
                yield from _expr_texts(part)
    elif isinstance(value, list):
        for v in value:
            yield from _expr_texts(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _expr_texts(v)


def _unresolved_texts(value: Value) -> Iterator[str]:
    """The outermost unresolved expressions of a value."""
    if isinstance(value, Expr):
        yield value.text
    elif isinstance(value, Template):
        for part in value.parts:
            if isinstance(part, Expr):
                yield part.text
    elif isinstance(value, list):
        for v in value:
            yield from _unresolved_texts(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _unresolved_texts(v)


def _first_unresolved(value: Value) -> Expr | None:
    if isinstance(value, Expr):
        for arg in value.args:
            inner = _first_unresolved(arg)
            if inner is not None:
                return inner
        return value
    if isinstance(value, Template):
        return next((p for p in value.parts if isinstance(p, Expr)), None)
    if isinstance(value, list):
        for v in value:
            inner = _first_unresolved(v)
            if inner is not None:
                return inner
    if isinstance(value, dict):
        for v in value.values():
            inner = _first_unresolved(v)
            if inner is not None:
                return inner
    return None


def _mentions(value: Value, roots: Sequence[str]) -> bool:
    if isinstance(value, Expr):
        if value.kind == "ref" and value.ref and value.ref[0] in roots:
            return True
        return any(_mentions(a, roots) for a in value.args) or (
            value.kind == "other" and any(f"{r}." in value.text for r in roots)
        )
    if isinstance(value, Template):
        return any(_mentions(p, roots) for p in value.parts if isinstance(p, Expr))
    if isinstance(value, list):
        return any(_mentions(v, roots) for v in value)
    if isinstance(value, dict):
        return any(_mentions(v, roots) for v in value.values())
    return False


def _instances(value: Value, resource: TfResource, module: TfModule) -> list[Value]:
    """One substituted value per instance of a resource with a literal for_each/count."""
    if resource.has("for_each"):
        for_each = module.resolve(resource.get("for_each"))
        if not is_literal(for_each):
            return [value]
        items: list[tuple[Value, Value]]
        if isinstance(for_each, dict):
            items = list(for_each.items())
        elif isinstance(for_each, list):
            items = [(v, v) for v in for_each]  # for_each takes sets: key == value
        else:
            return [value]
        out: list[Value] = []
        for key, item in items[:_MAX_CANDIDATES]:

            def each(
                ref: tuple[str | int, ...], k: Value = key, v: Value = item
            ) -> Value | _Missing:
                if len(ref) >= 2 and ref[0] == "each":
                    if ref[1] == "key" and len(ref) == 2:
                        return k
                    if ref[1] == "value":
                        return _walk(v, ref[2:])
                return MISSING

            out.append(substitute(value, each))
        return out or [value]
    count = module.resolve(resource.get("count"))
    if isinstance(count, int) and not isinstance(count, bool) and 0 < count <= _MAX_CANDIDATES:
        results: list[Value] = []
        for index in range(count):

            def counter(ref: tuple[str | int, ...], i: int = index) -> Value | _Missing:
                return i if ref == ("count", "index") else MISSING

            results.append(substitute(value, counter))
        return results
    return [value]


def _call(name: str, args: tuple[Value, ...]) -> Value | _Missing:
    """The few pure functions §5.2-2 evaluates, on literal arguments only."""
    try:
        if name == "jsonencode" and len(args) == 1:
            return json.dumps(args[0], sort_keys=False)
        if name == "jsondecode" and len(args) == 1 and isinstance(args[0], str):
            decoded: Value = json.loads(args[0])
            return decoded
        if name == "tostring" and len(args) == 1:
            text = _scalar_text(args[0])
            return MISSING if text is None else text
        if name == "tonumber" and len(args) == 1:
            arg = args[0]
            if isinstance(arg, bool):
                return MISSING
            if isinstance(arg, (int, float)):
                return arg
            if isinstance(arg, str):
                number = float(arg)
                return int(number) if number.is_integer() and "." not in arg else number
        if name == "tobool" and len(args) == 1:
            arg = args[0]
            if isinstance(arg, bool):
                return arg
            if arg in ("true", "false"):
                return arg == "true"
        if name in ("lower", "upper") and len(args) == 1 and isinstance(args[0], str):
            return args[0].lower() if name == "lower" else args[0].upper()
        if name in ("tolist", "toset") and len(args) == 1 and isinstance(args[0], list):
            if name == "tolist":
                return list(args[0])
            unique: list[Value] = []
            for item in args[0]:
                if item not in unique:
                    unique.append(item)
            return unique
        if name == "concat" and all(isinstance(a, list) for a in args):
            return [item for a in args if isinstance(a, list) for item in a]
        if name == "format" and args and isinstance(args[0], str):
            return _format(args[0], args[1:])
    except (ValueError, TypeError):
        return MISSING
    return MISSING


def _format(spec: str, args: tuple[Value, ...]) -> Value | _Missing:
    out: list[str] = []
    queue = list(args)
    i = 0
    while i < len(spec):
        c = spec[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        verb = spec[i + 1 : i + 2]
        i += 2
        if verb == "%":
            out.append("%")
            continue
        if verb not in ("s", "d", "v", "q") or not queue:
            return MISSING  # widths, precisions and other verbs: not worth guessing
        arg = queue.pop(0)
        text = _scalar_text(arg)
        if text is None or (verb == "d" and not isinstance(arg, int)):
            return MISSING
        out.append(json.dumps(text) if verb == "q" else text)
    return "".join(out)


def _binary(op: str, lhs: Value, rhs: Value) -> Value | _Missing:
    if op == "==":
        return lhs == rhs
    if op == "!=":
        return lhs != rhs
    if op in ("&&", "||") and isinstance(lhs, bool) and isinstance(rhs, bool):
        return (lhs and rhs) if op == "&&" else (lhs or rhs)
    numbers = (
        isinstance(lhs, (int, float))
        and isinstance(rhs, (int, float))
        and not isinstance(lhs, bool)
        and not isinstance(rhs, bool)
    )
    if numbers and isinstance(lhs, (int, float)) and isinstance(rhs, (int, float)):
        if op == "<":
            return lhs < rhs
        if op == "<=":
            return lhs <= rhs
        if op == ">":
            return lhs > rhs
        if op == ">=":
            return lhs >= rhs
        if op == "+":
            return lhs + rhs
        if op == "-":
            return lhs - rhs
        if op == "*":
            return lhs * rhs
    return MISSING


def _policy_document(block: Block, attr: str, module: TfModule) -> Value | None:
    """``data "aws_iam_policy_document"`` (``.json``) and ``data "google_iam_policy"``
    (``.policy_data``) as the JSON structure they render (§5.2-9)."""
    dtype = block.labels[0]
    if dtype == "aws_iam_policy_document" and attr in ("json", "minified_json"):
        if any(block.has(a) for a in ("source_policy_documents", "override_policy_documents")):
            return None  # merged documents: not a shallow evaluation
        statements: list[Value] = []
        for st in block.nested("statement", module):
            stmt: dict[str, Value] = {"Effect": st.get("effect", "Allow")}
            if st.has("sid"):
                stmt["Sid"] = st.get("sid")
            for hcl_name, json_name in (
                ("actions", "Action"),
                ("not_actions", "NotAction"),
                ("resources", "Resource"),
                ("not_resources", "NotResource"),
            ):
                if st.has(hcl_name):
                    stmt[json_name] = st.get(hcl_name)
            for hcl_name, json_name in (
                ("principals", "Principal"),
                ("not_principals", "NotPrincipal"),
            ):
                principals = st.nested(hcl_name, module)
                if principals:
                    stmt[json_name] = _principal_json(principals)
            conditions: dict[str, Value] = {}
            for cond in st.nested("condition", module):
                test, variable = cond.get("test"), cond.get("variable")
                if not isinstance(test, str) or not isinstance(variable, str):
                    return None
                bucket = conditions.setdefault(test, {})
                if isinstance(bucket, dict):
                    bucket[variable] = cond.get("values")
            if conditions:
                stmt["Condition"] = conditions
            statements.append(stmt)
        return {"Version": block.get("version", "2012-10-17"), "Statement": statements}
    if dtype == "google_iam_policy" and attr == "policy_data":
        bindings: list[Value] = [
            {"role": b.get("role"), "members": b.get("members")}
            for b in block.nested("binding", module)
        ]
        return {"bindings": bindings}
    return None


def _principal_json(blocks: list[Block]) -> Value:
    merged: dict[str, Value] = {}
    for principal in blocks:
        ptype = principal.get("type")
        identifiers = principal.get("identifiers")
        if ptype == "*":
            return "*"
        if not isinstance(ptype, str):
            return Expr(hcl(ptype))
        current = merged.get(ptype)
        if isinstance(current, list) and isinstance(identifiers, list):
            current.extend(identifiers)
        else:
            merged[ptype] = identifiers
    return merged


def _is_tfvars(path: str) -> bool:
    name = os.path.basename(path)
    return name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def index_scope(subject: Subject) -> str:
    """Terraform indexes are per module, and a module is a directory (§5.1)."""
    return os.path.dirname(subject.source.path)


def module_files(scope: str) -> list[str]:
    """Every ``*.tf`` plus ``terraform.tfvars``/``*.auto.tfvars`` of a module directory.

    Later files win, as in Terraform: terraform.tfvars, then *.auto.tfvars in order.
    """
    paths = sorted(glob.glob(os.path.join(glob.escape(scope), "*.tf")))
    tfvars = os.path.join(scope, "terraform.tfvars")
    if os.path.isfile(tfvars):
        paths.append(tfvars)
    paths.extend(sorted(glob.glob(os.path.join(glob.escape(scope), "*.auto.tfvars"))))
    return [p for p in paths if os.path.isfile(p)]


def dependencies(path: str) -> list[str]:
    """The files whose content a file's outcomes depend on: its whole module (result cache)."""
    return module_files(os.path.dirname(path))


def build_index(scope: str, cache: ParseCache) -> TfModule:
    """Parse the module's files (``module_files``) once through the shared cache;
    files that fail to parse are skipped (they get their own PARSE-ERROR item)."""
    files: list[ParsedFile] = []
    for path in module_files(scope):
        parsed = cache.get(path, "terraform")
        if isinstance(parsed, ParsedFile):
            files.append(parsed)
    return TfModule(scope, files)
