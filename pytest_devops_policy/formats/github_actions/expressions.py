"""The GitHub Actions expression language: ``${{ }}`` occurrences, their lexer, parser and AST.

Knows the syntax only: literals, context references (normalised, so
``github.event['issue'][ 'title' ]`` is ``github.event.issue.title``), function
calls, ``!``, comparisons, ``&&``/``||`` and property access. What a context
taints and how an ``if:`` evaluates are analyses, in ``knowledge.ci``.

Nothing here evaluates anything from the file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "BinOp",
    "Call",
    "Ctx",
    "Expression",
    "ExpressionError",
    "Index",
    "Lit",
    "Node",
    "Not",
    "find_expressions",
    "has_expression",
    "normalize_context",
    "parse_expression",
    "walk",
]


def has_expression(value: object) -> bool:
    """Whether a scalar contains a ``${{ }}`` expression (its value is dynamic)."""
    return isinstance(value, str) and "${{" in value


class ExpressionError(ValueError):
    """An expression the parser does not understand (callers fall back conservatively)."""


@dataclass(frozen=True)
class Lit:
    value: str | float | bool | None


@dataclass(frozen=True)
class Ctx:
    """A context reference, normalised.

    Segments are lowercase, ``['x']`` becomes ``.x`` and a dynamic ``[expr]`` becomes ``*``.
    """

    path: tuple[str, ...]
    # Expressions used as dynamic indexes (`github.event[inputs.key]`): read, not output.
    indexes: tuple[Node, ...] = field(default=(), compare=False)

    @property
    def text(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Call:
    name: str  # lowercase: GitHub function names are case-insensitive
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Index:
    """Property access on something that is not a plain context (``fromJSON(x).y``)."""

    base: Node
    index: Node


Node = Lit | Ctx | Call | Not | BinOp | Index

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<str>'(?:[^']|'')*')
  | (?P<num>-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>!()\[\].,*])
    """,
    re.VERBOSE,
)
# Real expressions are short; bounding them keeps the recursive parser and
# tree walks far from Python's recursion limit on hostile input.
_MAX_EXPRESSION = 20_000
_MAX_TOKENS = 400
_MAX_DEPTH = 40


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ExpressionError(f"unexpected character {text[pos]!r} at offset {pos}")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append((kind, m.group()))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        if len(text) > _MAX_EXPRESSION:
            raise ExpressionError("expression too long to analyse")
        self.tokens = _tokenize(text)
        if len(self.tokens) > _MAX_TOKENS:
            raise ExpressionError("expression too long to analyse")
        self.pos = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            want = repr(value) if value else "more input"
            raise ExpressionError(f"expected {want}, found {tok[1] if tok else 'end'!r}")
        self.pos += 1
        return tok

    def at(self, *values: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "op" and tok[1] in values

    def parse(self) -> Node:
        node = self.or_()
        extra = self.peek()
        if extra is not None:
            raise ExpressionError(f"unexpected {extra[1]!r}")
        return node

    def or_(self) -> Node:
        self.enter()
        node = self.and_()
        while self.at("||"):
            self.take()
            node = BinOp("||", node, self.and_())
        self.depth -= 1
        return node

    def enter(self) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise ExpressionError("expression nests too deeply")

    def and_(self) -> Node:
        node = self.eq()
        while self.at("&&"):
            self.take()
            node = BinOp("&&", node, self.eq())
        return node

    def eq(self) -> Node:
        node = self.cmp()
        while self.at("==", "!="):
            op = self.take()[1]
            node = BinOp(op, node, self.cmp())
        return node

    def cmp(self) -> Node:
        node = self.unary()
        while self.at("<", "<=", ">", ">="):
            op = self.take()[1]
            node = BinOp(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.at("!"):
            self.take()
            self.enter()
            node = Not(self.unary())
            self.depth -= 1
            return node
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while True:
            if self.at("."):
                self.take()
                kind, value = self.take()
                if kind == "ident" or (kind == "op" and value == "*") or kind == "num":
                    node = _extend(node, Lit(value))
                else:
                    raise ExpressionError(f"expected a property name after '.', found {value!r}")
            elif self.at("["):
                self.take()
                if self.at("*"):
                    self.take()
                    index: Node = Lit("*")
                else:
                    index = self.or_()
                self.take("]")
                node = _extend(node, index)
            else:
                return node

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "op" and value == "(":
            node = self.or_()
            self.take(")")
            return node
        if kind == "str":
            return Lit(value[1:-1].replace("''", "'"))
        if kind == "num":
            return Lit(_number(value))
        if kind == "ident":
            low = value.lower()
            if self.at("("):
                self.take()
                args: list[Node] = []
                if not self.at(")"):
                    args.append(self.or_())
                    while self.at(","):
                        self.take()
                        args.append(self.or_())
                self.take(")")
                return Call(low, tuple(args))
            if low in ("true", "false"):
                return Lit(low == "true")
            if low == "null":
                return Lit(None)
            if low in ("nan", "infinity"):
                return Lit(float(low.replace("infinity", "inf")))
            return Ctx((low,))
        raise ExpressionError(f"unexpected {value!r}")


def _number(text: str) -> float:
    """A number literal as GitHub reads it: a double; a hexadecimal one past the largest
    double is infinity (``float`` of so large an ``int`` would raise)."""
    if "x" not in text.lower():
        return float(text)
    digits = text.lower().split("x", 1)[1].lstrip("0")
    if len(digits) > 256:  # 1024 bits and more: past the largest double
        return math.copysign(math.inf, -1.0 if text.startswith("-") else 1.0)
    try:
        return float(int(text, 16))
    except OverflowError:
        return math.inf if not text.startswith("-") else -math.inf


def _extend(base: Node, index: Node) -> Node:
    """``base.x`` / ``base['x']`` / ``base[0]``: contexts grow a segment, others become Index."""
    if isinstance(base, Ctx):
        if isinstance(index, Lit) and index.value is not None:
            value = index.value
            integral = isinstance(value, float) and value.is_integer()
            seg = str(int(value)) if integral else str(value)
            return Ctx((*base.path, seg.lower()), base.indexes)
        # A dynamic index selects "some" member.
        return Ctx((*base.path, "*"), (*base.indexes, index))
    return Index(base, index)


def parse_expression(text: str) -> Node:
    """Parse the inside of ``${{ }}`` (or an ``if:`` value). Raises ``ExpressionError``."""
    return _Parser(text).parse()


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every node below it, depth first."""
    yield node
    if isinstance(node, Ctx):
        for i in node.indexes:
            yield from walk(i)
    elif isinstance(node, Call):
        for a in node.args:
            yield from walk(a)
    elif isinstance(node, Not):
        yield from walk(node.operand)
    elif isinstance(node, BinOp):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Index):
        yield from walk(node.base)
        yield from walk(node.index)


# Linear on any text: a match starts only at the first ``[A-Za-z_]`` of a run of ``[\w-]``
# (where the unanchored search found it too: a later start in the run matches iff the
# first does), so no run is rescanned from each of its letters, and an index is bounded.
_CTX_FALLBACK = re.compile(
    r"(?<![\w-])(?:[^\WA-Za-z_]|-)*"
    r"(?P<ctx>[A-Za-z_][\w-]*(?:\s*(?:\.\s*[\w*-]+|\[[^\]]{0,256}\]))+)"
)


@dataclass(frozen=True)
class Expression:
    """One ``${{ }}`` occurrence inside a string.

    What reaches the expanded text (``flows``) is analysis, in ``knowledge.ci.taint``.
    """

    text: str  # the full ``${{ … }}``
    body: str  # what is inside, stripped
    start: int  # offsets in the containing string
    end: int
    node: Node | None  # ``None`` when the parser gave up
    contexts: tuple[str, ...]  # every context referenced, normalised


def _expression(text: str, body: str, start: int, end: int) -> Expression:
    try:
        node: Node | None = parse_expression(body)
    except ExpressionError:
        node = None
    if node is None:
        # Unknown syntax: treat every context-looking token as used and output.
        found = tuple(
            dict.fromkeys(normalize_context(m.group("ctx")) for m in _CTX_FALLBACK.finditer(body))
        )
        return Expression(text, body, start, end, None, found)
    contexts = tuple(dict.fromkeys(n.text for n in walk(node) if isinstance(n, Ctx)))
    return Expression(text, body, start, end, node, contexts)


def find_expressions(text: str) -> list[Expression]:
    """Every ``${{ … }}`` in ``text``; quote-aware, so ``'}}'`` inside a literal does not end it."""
    if "${{" not in text:
        return []
    return list(_find_expressions(text))


@lru_cache(maxsize=8192)
def _find_expressions(text: str) -> tuple[Expression, ...]:
    # Memoised: many policies read the same scripts and values (expressions are immutable).
    return tuple(_scan_expressions(text))


def _scan_expressions(text: str) -> list[Expression]:
    out: list[Expression] = []
    pos = 0
    while True:
        start = text.find("${{", pos)
        if start < 0:
            return out
        i = start + 3
        in_str = False
        end = len(text)
        while i < len(text):
            ch = text[i]
            if in_str:
                if ch == "'":
                    if text.startswith("''", i):
                        i += 2
                        continue
                    in_str = False
            elif ch == "'":
                in_str = True
            elif text.startswith("}}", i):
                end = i + 2
                break
            i += 1
        closed = text.startswith("}}", end - 2) and end - 2 >= start + 3
        body = text[start + 3 : end - 2] if closed else text[start + 3 :]
        out.append(_expression(text[start:end], body.strip(), start, end))
        pos = end


def normalize_context(text: str) -> str:
    """``github.event['issue'][ 'title' ]`` -> ``github.event.issue.title`` (lowercase)."""
    try:
        node = parse_expression(text)
    except ExpressionError:
        node = None
    if isinstance(node, Ctx):
        return node.text
    return re.sub(r"\s+", "", text).lower()
