"""The tree-sitter-hcl backend of the Terraform model.

It reads the concrete syntax tree of tree-sitter-hcl 1.2 and builds the same
``Attribute``/``Block``/value model (``model.py``) as the python-hcl2 adapter
(``hcl_python_hcl2.py``); heredoc bodies are read by ``heredoc.py`` for both.

What differs from python-hcl2, on purpose or by grammar:

* ``Expr.text`` is the expression's own source put on one line (``_Reader.text``),
  where python-hcl2 re-serializes the expression in its own style;
* tree-sitter never raises: a tree with ``ERROR`` or ``MISSING`` nodes is turned
  into a ``ParseError`` naming the first problem (``_syntax_error``);
* the grammar rejects what Terraform rejects and python-hcl2 lets through
  (unknown escapes such as ``"\\q"``), accepts what Terraform accepts and
  python-hcl2 does not (non-ASCII names, ``${~ x ~}`` strip markers), but
  cannot read an exponent without a fraction (``1e3``), and it ignores newlines:
  an object element on its own line that starts with ``-`` (or with ``(`` after
  a bare name) continues the element before it, and the file does not parse.

The grammar's ``_expr_term`` is a hidden rule, so a traversal such as
``a.b[0]`` is a flat run of siblings (``variable_expr``, ``get_attr``,
``index``) inside its parent rather than a nested tree; ``_Reader.term``
folds such runs left to right.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from pytest_devops_policy.formats.numbers import whole_number
from pytest_devops_policy.formats.terraform.heredoc import heredoc_body, split_heredoc
from pytest_devops_policy.formats.terraform.model import (
    Attribute,
    Block,
    Expr,
    Value,
    hcl,
    make_template,
)
from pytest_devops_policy.model import ParseError

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

__all__ = ["TreeSitterAdapter"]


class TreeSitterAdapter:
    """Parse HCL with tree-sitter-hcl; the only code that knows its node types."""

    def __init__(self) -> None:
        self.parser: Parser = _parser()

    def parse(self, text: str) -> tuple[dict[str, Attribute], list[Block]]:
        src = text.encode("utf-8", "surrogatepass")
        root = self.parser.parse(src).root_node
        reader = _Reader(src)
        try:
            if root.has_error:
                raise _syntax_error(root, reader)
            return reader.config(root)
        except RecursionError:  # the tree is walked recursively, expression by expression
            raise ParseError("nesting too deep to parse", 1, 1) from None


@functools.cache
def _parser() -> Parser:
    """A parser of the HCL grammar, built once per process (building it loads the grammar)."""
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


# --------------------------------------------------------------------------- model


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_UNICODE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")
_LITERAL_SPECIAL = re.compile(r"\\|\$\$\{|%%\{")
# nodes whose text is taken whole: string contents, and `.0`, whose digits are a
# hidden token (not a child)
_ATOMIC = frozenset(
    {"string_lit", "quoted_template", "heredoc_template", "template_directive", "legacy_index"}
)
_BINARY = frozenset(
    {"*", "/", "%", "+", "-", ">", ">=", "<", "<=", "==", "!=", "&&", "||"},
)


def _unescape(raw: str) -> str:
    """A quoted template's literal chunk: HCL escapes, and ``$${``/``%%{`` for ``${``/``%{``.

    The grammar already rejects unknown escapes; should one get here it stays as
    written, backslash included, as python-hcl2 keeps it.
    """
    if _LITERAL_SPECIAL.search(raw) is None:
        return raw
    out: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        if c == "\\" and i + 1 < n:
            simple = _ESCAPES.get(raw[i + 1])
            if simple is not None:
                out.append(simple)
                i += 2
                continue
            m = _UNICODE.match(raw, i)
            if m is not None:
                code = int(m.group(1) or m.group(2), 16)
                if code <= 0x10FFFF and not 0xD800 <= code < 0xE000:
                    out.append(chr(code))
                    i = m.end()
                    continue
            out.append(raw[i : i + 2])
            i += 2
            continue
        if raw.startswith(("$${", "%%{"), i):
            out.append(raw[i + 1 : i + 3])
            i += 3
            continue
        out.append(c)
        i += 1
    return "".join(out)


# what ``_Reader.text`` would change in an expression's source; it runs once per
# expression, nested ones included: one regex for short slices, substring tests
# (faster on long ones) otherwise
_UNTIDY = re.compile(rb"[\t\n\r#]|  |/[/*]|[(\[] | [)\],]|,(?! )")
_UNTIDY_PARTS = (b"\n", b"\t", b"\r", b"  ", b"#", b"//", b"/*", b"( ", b"[ ", b" )", b" ]", b" ,")
_BARE_COMMA = re.compile(rb",(?! )")


def _tidy(raw: bytes) -> bool:
    if len(raw) < 1024:
        return _UNTIDY.search(raw) is None
    return not any(part in raw for part in _UNTIDY_PARTS) and _BARE_COMMA.search(raw) is None


def _comma_separated(children: list[Node | None]) -> list[Node | None]:
    """Object elements may be separated by newlines alone: add the comma (``None``)."""
    out: list[Node | None] = []
    for child in children:
        if (
            child is not None
            and child.type == "object_elem"
            and out
            and out[-1] is not None
            and out[-1].type == "object_elem"
        ):
            out.append(None)
        out.append(child)
    return out


def _kids(node: Node) -> list[Node]:
    """Children without comments (comments are extras: they may sit anywhere)."""
    return [c for c in node.children if c.type != "comment"]


class _Reader:
    """Turns one error-free tree into the model; holds the source bytes."""

    def __init__(self, src: bytes) -> None:
        self.src = src

    # -- positions and text

    def raw(self, node: Node) -> str:
        return self.slice(node.start_byte, node.end_byte)

    def slice(self, start: int, end: int) -> str:
        return self.src[start:end].decode("utf-8", "surrogatepass")

    def col(self, node: Node) -> int:
        """1-based column in characters (tree-sitter counts bytes)."""
        start = node.start_byte
        prefix = self.src[start - node.start_point.column : start]
        if prefix.isascii():
            return len(prefix) + 1
        return len(prefix.decode("utf-8", "surrogatepass")) + 1

    def text(self, nodes: list[Node], start: int | None = None) -> str:
        """``Expr.text``: the source of consecutive sibling nodes (from byte ``start``
        when given), on one line for messages: comments dropped, each run of
        whitespace made one space (none inside parentheses and brackets or before
        a comma), trailing commas dropped, and newline-separated object elements
        separated by commas. Strings and heredocs are kept as written."""
        begin = nodes[0].start_byte if start is None else start
        end = nodes[-1].end_byte
        raw = self.src[begin:end]
        if _tidy(raw):
            return raw.decode("utf-8", "surrogatepass")
        tokens: list[tuple[bytes, bool]] = []  # (token, whitespace or a comment before it)
        last = -1
        stack: list[Node | None] = list(reversed(nodes))
        while stack:
            node = stack.pop()
            if node is None:
                tokens.append((b",", False))
                continue
            if node.type == "comment" or node.end_byte <= begin or node.start_byte >= end:
                continue
            if node.child_count and node.type not in _ATOMIC:
                children: list[Node | None] = [c for c in node.children if c.type != "comment"]
                if node.type == "object":
                    children = _comma_separated(children)
                stack.extend(reversed(children))
                continue
            tokens.append((self.src[node.start_byte : node.end_byte], 0 <= last < node.start_byte))
            last = node.end_byte
        out: list[bytes] = []
        for i, (token, spaced) in enumerate(tokens):
            following = tokens[i + 1][0] if i + 1 < len(tokens) else b""
            if token == b"," and following in (b")", b"]", b"}"):
                continue  # a trailing comma
            tight = token in (b")", b"]", b",") or (bool(out) and out[-1] in (b"(", b"["))
            if out and (spaced or out[-1] == b",") and not tight:
                out.append(b" ")
            out.append(token)
        return b"".join(out).decode("utf-8", "surrogatepass")

    # -- structure

    def config(self, root: Node) -> tuple[dict[str, Attribute], list[Block]]:
        for child in _kids(root):
            if child.type == "body":
                return self.body(child)
            # tree-sitter-hcl also reads a file that is one object (JSON-like
            # tfvars); HCL native syntax does not.
            raise ParseError(f"unexpected token {self.raw(child)[:1]!r}", *self.pos(child))
        return {}, []

    def pos(self, node: Node) -> tuple[int, int]:
        return node.start_point.row + 1, self.col(node)

    def body(self, node: Node) -> tuple[dict[str, Attribute], list[Block]]:
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for child in node.children:
            kind = child.type
            if kind == "attribute":
                parts = _kids(child)
                name = self.raw(parts[0])
                line, col = self.pos(child)
                if name in attributes:
                    raise ParseError(
                        f"attribute {name!r} redefined (first set on line {attributes[name].line})",
                        line,
                        col,
                    )
                value = self.expression(parts[-1])
                end = child.end_point.row + 1
                attributes[name] = Attribute(name, value, line, col, end)
            elif kind == "block":
                blocks.append(self.block(child))
        return attributes, blocks

    def block(self, node: Node) -> Block:
        parts = _kids(node)
        labels: list[str] = []
        attrs: dict[str, Attribute] = {}
        nested: list[Block] = []
        for part in parts[1:]:
            kind = part.type
            if kind == "string_lit":
                value = self.template(part)
                labels.append(value if isinstance(value, str) else hcl(value))
            elif kind == "identifier":
                labels.append(self.raw(part))
            elif kind == "body":
                attrs, nested = self.body(part)
        line, col = self.pos(node)
        return Block(
            type=self.raw(parts[0]),
            labels=tuple(labels),
            attributes=attrs,
            blocks=nested,
            line=line,
            end_line=node.end_point.row + 1,
            col=col,
        )

    # -- expressions

    def expression(self, node: Node) -> Value:
        """An ``expression`` node: a conditional, or one flattened ``_expr_term``."""
        parts = _kids(node)
        if len(parts) == 1 and parts[0].type == "conditional":
            return self.conditional(parts[0])
        return self.term(parts)

    def conditional(self, node: Node) -> Value:
        # tree-sitter-hcl groups `a ? b : c ? d : e` to the left; HCL groups it to the
        # right (a condition cannot itself be a bare conditional), so unfold the left
        # spine into [a, b, c, d, e] and rebuild from the right.
        operands: list[Node] = []
        current: Node | None = node
        tail: list[Node] = []
        while current is not None:
            cond, if_true, if_false = (c for c in current.children if c.type == "expression")
            tail = [if_true, if_false, *tail]
            inner = _kids(cond)
            if len(inner) == 1 and inner[0].type == "conditional":
                current = inner[0]
            else:
                operands = [cond, *tail]
                current = None
        value = self.expression(operands[-1])
        for i in range(len(operands) - 3, -1, -2):
            branches = (self.expression(operands[i]), self.expression(operands[i + 1]), value)
            value = Expr(self.text([node], operands[i].start_byte), "cond", args=branches)
        return value

    def term(self, parts: list[Node]) -> Value:
        """A primary followed by attribute, index and splat steps, folded left to right."""
        first = parts[0]
        if first.type == "(":
            value = self.expression(parts[1])
            steps = 3
        else:
            value = self.primary(first)
            steps = 1
        for i in range(steps, len(parts)):
            step = parts[i]
            kind = step.type
            if kind == "splat":  # `[*]`/`.*` take every later step with them
                return Expr(self.text(parts))
            key: Value
            if kind == "get_attr":
                key = self.raw(_kids(step)[-1])
                if isinstance(value, Expr) and value.kind == "ref":
                    value = Expr(self.text(parts[: i + 1]), "ref", ref=(*value.ref, key))
                else:
                    value = Expr(self.text(parts[: i + 1]), "getattr", args=(value, key))
                continue
            index = _kids(step)[0]
            if index.type == "legacy_index":  # `.0`
                number = whole_number(self.raw(index)[1:].strip())
                if number is None:  # an index too big to keep: unresolved
                    return Expr(self.text(parts))
                key = number
            else:
                key = self.expression(next(c for c in index.children if c.type == "expression"))
            if (
                isinstance(value, Expr)
                and value.kind == "ref"
                and isinstance(key, (int, str))
                and not isinstance(key, bool)
            ):
                value = Expr(self.text(parts[: i + 1]), "ref", ref=(*value.ref, key))
            else:
                value = Expr(self.text(parts[: i + 1]), "index", args=(value, key))
        return value

    def primary(self, node: Node) -> Value:
        kind = node.type
        if kind in ("literal_value", "template_expr", "collection_value", "operation"):
            return self.primary(_kids(node)[0])
        if kind == "numeric_lit":
            return self.number(node)
        if kind == "bool_lit":
            return self.raw(node) == "true"
        if kind == "null_lit":
            return None
        if kind in ("string_lit", "quoted_template"):
            return self.template(node)
        if kind == "heredoc_template":
            return split_heredoc(heredoc_body(self.raw(node)))
        if kind == "variable_expr":
            name = self.raw(node)
            return Expr(name, "ref", ref=(name,))
        if kind == "tuple":
            return [self.expression(c) for c in node.children if c.type == "expression"]
        if kind == "object":
            return self.object(node)
        if kind == "function_call":
            return self.call(node)
        if kind == "unary_operation":
            return self.unary(node)
        if kind == "binary_operation":
            return self.binary(node)
        return Expr(self.text([node]))  # for expressions

    def number(self, node: Node) -> int | float | Expr:
        raw = self.raw(node)
        if raw[:2] in ("0x", "0X"):
            raise ParseError(f"invalid number {raw!r}", *self.pos(node))
        if any(c in raw for c in ".eE"):
            return float(raw)
        number = whole_number(raw)
        # Terraform's numbers have arbitrary precision; one too big to keep is unresolved.
        return Expr(raw) if number is None else number

    def unary(self, node: Node) -> Value:
        parts = _kids(node)
        op = parts[0].type
        operand = self.term(parts[1:])
        if op == "-" and isinstance(operand, (int, float)) and not isinstance(operand, bool):
            return -operand
        return Expr(self.text([node]), "unary", op=op, args=(operand,))

    def binary(self, node: Node) -> Value:
        parts = _kids(node)
        # operands are flattened terms; the operator is their only anonymous child
        # besides the parentheses of a parenthesized operand
        at = next(i for i, c in enumerate(parts) if c.type in _BINARY and not c.is_named)
        args = (self.term(parts[:at]), self.term(parts[at + 1 :]))
        return Expr(self.text([node]), "binary", op=parts[at].type, args=args)

    def call(self, node: Node) -> Value:
        parts = _kids(node)
        name = self.raw(parts[0])
        arguments = next((c for c in parts if c.type == "function_arguments"), None)
        if arguments is None:
            return Expr(self.text([node]), "call", op=name)
        items = _kids(arguments)
        if items[-1].type == "ellipsis":
            return Expr(self.text([node]))  # f(list...) cannot be evaluated shallowly
        args = tuple(self.expression(c) for c in items if c.type == "expression")
        return Expr(self.text([node]), "call", op=name, args=args)

    def object(self, node: Node) -> Value:
        result: dict[str, Value] = {}
        for elem in node.children:
            if elem.type != "object_elem":
                continue
            key_node = elem.child_by_field_name("key")
            value_node = elem.child_by_field_name("val")
            if key_node is None or value_node is None:  # pragma: no cover - grammar guarantees
                return Expr(self.text([node]))
            key = self.object_key(key_node)
            if key is None:  # computed keys: the map is not literal
                return Expr(self.text([node]))
            result[key] = self.expression(value_node)
        return result

    def object_key(self, node: Node) -> str | None:
        """A literal key (name, string, number, ``true``...) or ``None`` for a computed one."""
        parts = _kids(node)
        if len(parts) != 1:
            return None
        part = parts[0]
        kind = part.type
        if kind == "variable_expr":
            return self.raw(part)
        if kind == "literal_value":
            value = self.primary(part)
            if isinstance(value, bool) or value is None:
                return self.raw(part)
            return value if isinstance(value, str) else str(value)
        if kind == "template_expr":
            value = self.primary(part)
            return value if isinstance(value, str) else None
        return None

    def template(self, node: Node) -> Value:
        """A quoted string: literal chunks, ``${...}`` interpolations, ``%{...}`` directives.

        Literal chunks are read as the bytes between the other parts: the grammar
        treats whitespace as an extra even inside quotes, so ``template_literal``
        nodes do not cover a chunk's leading and trailing spaces.
        """
        parts: list[Value] = []
        children = node.children
        cursor = children[0].end_byte  # after the opening quote
        strip_next = False
        for child in children[1:]:
            kind = child.type
            if kind not in ("template_interpolation", "template_directive", "quoted_template_end"):
                continue
            if child.start_byte > cursor:
                chunk = _unescape(self.slice(cursor, child.start_byte))
                parts.append(chunk.lstrip() if strip_next else chunk)
            cursor = child.end_byte
            if kind == "quoted_template_end":
                break
            # `~` next to a delimiter trims the whitespace of the adjacent literal
            left, right = _strip_markers(child)
            if left and parts and isinstance(parts[-1], str):
                parts[-1] = parts[-1].rstrip()
            strip_next = right
            if kind == "template_directive":
                parts.append(Expr(self.raw(child)))
                continue
            expr = next((c for c in child.children if c.type == "expression"), None)
            if expr is None:
                raise ParseError("empty interpolation '${}'", *self.pos(child))
            parts.append(self.expression(expr))
        if not parts:
            return ""
        return make_template(parts)


def _strip_markers(node: Node) -> tuple[bool, bool]:
    """Whether ``${~``/``%{~`` opens the part and ``~}`` closes it."""
    first = node
    last = node
    while first.child_count:
        first = first.children[0]
    while last.child_count:
        last = last.children[-1]
    opens = first.next_sibling
    closes = last.prev_sibling
    return (
        opens is not None and opens.type == "strip_marker",
        closes is not None and closes.type == "strip_marker",
    )


# --------------------------------------------------------------------------- errors


_TOKEN = re.compile(
    r"<<-?[A-Za-z][\w.-]*|[^\W\d][\w-]*(?:::[^\W\d][\w-]*)*|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
    r"|\.\.\.|\$\{|%\{|==|!=|<=|>=|&&|\|\||=>|\.\*|\[\*\]|\S"
)
_PUNCTUATION = frozenset('{}[](),.=:?!<>+-*/%&|"~')
_SKIPPED = re.compile(rb"(?:\s+|#[^\n]*|//[^\n]*|/\*.*?\*/)*", re.S)
_EXPONENT = re.compile(rb"[eE][-+]?\d")
# after these a value must follow
_NEEDS_OPERAND = _BINARY | {"=", ":", "?", "=>", "!", ",", "in", "if"}
_NEEDS_OPERAND |= {"template_interpolation_start"}
_CLOSERS = {"}", "]", ")", "template_interpolation_end", "template_directive_end"}
_EXPECTED = {
    "block": "'}'",
    "object": "',' or '}'",
    "tuple": "',' or ']'",
    "call": "',' or ')'",
    "paren": "')'",
    "template": "'}'",
}


def _syntax_error(root: Node, reader: _Reader) -> ParseError:
    """The first ``MISSING`` or ``ERROR`` node, as a short message at its line and column.

    tree-sitter recovers instead of stopping, so the offending token is read off
    the recovered tree: a ``MISSING`` node is a token it had to invent (a closing
    brace, bracket or quote); an ``ERROR`` node holds the valid prefix it gave up
    on and the tokens it skipped. Only the first problem is reported.
    """
    problem = _first_problem(root)
    if problem is None:  # pragma: no cover - has_error promised one
        return ParseError("syntax error", 1, 1)
    leaves = _leaves(root)
    src = reader.src
    for leaf, _ in leaves:
        # tree-sitter-hcl 1.2 reads an exponent only after a fraction: `1e3` is an error
        if leaf.type == "numeric_lit" and _EXPONENT.match(src, leaf.end_byte):
            number = reader.raw(leaf)
            exponent = _token(src, leaf.end_byte)
            return ParseError(
                f"cannot read the number {number + exponent!r}: "
                f"write it with a fraction ({number}.0{exponent})",
                *_position(src, leaf.start_byte),
            )
    if problem.is_missing:
        return _missing(problem, leaves, reader)
    return _unexpected(_offending(problem, reader.src), leaves, reader)


def _leaves(root: Node) -> list[tuple[Node, str]]:
    """Every real token in source order with its parent's type (``Node.parent`` costs
    a walk from the root): no comments, no zero-width recovery artefacts."""
    out: list[tuple[Node, str]] = []
    stack = [(root, "")]
    while stack:
        node, owner = stack.pop()
        if node.type == "comment":
            continue
        if node.child_count:
            kind = node.type
            stack.extend((child, kind) for child in reversed(node.children))
        elif node.end_byte > node.start_byte:
            out.append((node, owner))
    return out


def _first_problem(root: Node) -> Node | None:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_missing or node.is_error:
            return node
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


def _next_token(src: bytes, offset: int) -> int:
    """The offset of the first token at or after ``offset`` (``len(src)`` at the end)."""
    match = _SKIPPED.match(src, offset)
    return match.end() if match is not None else offset


def _offending(error: Node, src: bytes) -> int:
    """The byte offset of the token that an ``ERROR`` node could not fit in."""
    cursor = error.start_byte
    kinds: list[str] = []
    for child in error.children:
        if child.type == "comment":
            continue
        if child.end_byte == child.start_byte and not child.has_error and not child.is_missing:
            continue
        skipped = _next_token(src, cursor)
        if skipped < child.start_byte:
            return skipped  # text the parser skipped without making a node of it
        if child.type == "heredoc_identifier":
            # the external scanner, called in error recovery, yields heredoc markers
            # that are not there: they stand for skipped text
            return child.start_byte
        if child.is_error:
            return _offending(child, src)
        if child.has_error or child.is_missing:
            inner = _first_problem(child)
            if inner is not None and inner.is_error:
                return _offending(inner, src)
            return _next_token(src, child.start_byte)
        kinds.append(child.type if not child.is_named and not child.child_count else "")
        cursor = child.end_byte
    skipped = _next_token(src, cursor)
    if skipped < error.end_byte:
        return skipped
    if kinds and all(kinds) and kinds[-1] not in _NEEDS_OPERAND:
        return error.start_byte  # a stray `}` or `,`: the tokens themselves are the error
    return _next_token(src, error.end_byte)  # a valid prefix that the next token breaks


def _position(src: bytes, offset: int) -> tuple[int, int]:
    line_start = src.rfind(b"\n", 0, offset) + 1
    col = len(src[line_start:offset].decode("utf-8", "replace")) + 1
    return src.count(b"\n", 0, offset) + 1, col


def _token(src: bytes, offset: int) -> str:
    text = src[offset : offset + 200].decode("utf-8", "replace")
    match = _TOKEN.match(text)
    return match.group(0) if match is not None else text[:1]


def _describe(token: str) -> str:
    if len(token) == 1 and token not in _PUNCTUATION and not token.isalnum():
        return f"unexpected character {token!r}"
    if len(token) > 24:
        token = token[:24] + "…"
    return f"unexpected token {token!r}"


def _open_brackets(leaves: list[tuple[Node, str]]) -> list[str]:
    """What the tokens before the error left open, innermost last."""
    stack: list[str] = []
    prev = ""
    for leaf, owner in leaves:
        kind = leaf.type
        if kind == "{":
            if owner == "block_start":
                stack.append("block")
            elif owner == "object_start" or prev in _NEEDS_OPERAND or prev in ("(", "["):
                stack.append("object")
            else:
                stack.append("block")
        elif kind == "[":
            stack.append("tuple")
        elif kind == "(":
            stack.append("call" if owner == "function_call" or prev == "identifier" else "paren")
        elif kind in ("template_interpolation_start", "template_directive_start"):
            stack.append("template")
        elif kind in _CLOSERS and stack:
            stack.pop()
        prev = kind
    return stack


def _hint(before: list[tuple[Node, str]], offset: int, src: bytes, token: str) -> str:
    if not before:
        return ""
    prev, owner = before[-1]
    if prev.type in _NEEDS_OPERAND:
        return "expected an expression"
    if prev.type == ".":
        return "expected a name"
    opened = _open_brackets(before)
    inner = opened[-1] if opened else ""
    if prev.type == "identifier" and owner == "ERROR":
        if inner == "object":  # an object element is `key = value` (or `key: value`)
            if token == "{":
                return "expected '=' or ':' (an object value cannot hold a nested block)"
            return "expected '=' or ':'"
        return "expected '=' or '{'"  # a body item that is neither attribute nor block
    if inner and inner != "block":
        return "expected " + _EXPECTED[inner]
    if token and token not in ("}", "]", ")") and src.count(b"\n", prev.end_byte, offset) == 0:
        return "expected a newline"  # e.g. two values on one line: `x = 2 3`
    if not token and inner == "block":
        return "expected '}'"
    return ""


def _unexpected(offset: int, leaves: list[tuple[Node, str]], reader: _Reader) -> ParseError:
    src = reader.src
    before = [pair for pair in leaves if pair[0].end_byte <= offset]
    prev = before[-1][0] if before else None
    token = _token(src, offset) if offset < len(src) else ""
    hint = _hint(before, offset, src, token)
    if prev is not None and prev.type == "=" and src.count(b"\n", prev.end_byte, offset):
        # HCL wants the value on the line of its `=`
        message = "unexpected newline"
        line, col = _position(src, prev.end_byte)
    elif not token:
        message = "unexpected end of file"
        line, col = _position(src, len(src))
    elif token == "\\":  # the grammar rejects unknown escapes in strings, as Terraform does
        escape = src[offset : offset + 2].decode("utf-8", "replace")
        return ParseError(f"invalid escape sequence {escape!r}", *_position(src, offset))
    else:
        message = _describe(token)
        line, col = _position(src, offset)
    return ParseError(f"{message}; {hint}" if hint else message, line, col)


def _missing(node: Node, leaves: list[tuple[Node, str]], reader: _Reader) -> ParseError:
    """tree-sitter invented a token: a closing brace, bracket or quote, or a value."""
    src = reader.src
    offset = _next_token(src, node.start_byte)
    at_end = offset >= len(src)
    parent = node.parent
    owner = parent.type if parent is not None else ""
    if node.type == "quoted_template_end" and parent is not None:
        message = "unterminated string"
        line, col = _position(src, parent.children[0].end_byte)
        return ParseError(f"unexpected end of file; {message}" if at_end else message, line, col)
    if node.type == "heredoc_identifier" and parent is not None:
        marker = next((c for c in parent.children if c.type == "heredoc_identifier"), None)
        name = reader.raw(marker) if marker is not None and not marker.is_missing else ""
        return ParseError(
            f"unterminated heredoc: no line with only {name!r} closes it",
            *_position(src, parent.start_byte),
        )
    if owner == "block_end":
        expected = _EXPECTED["block"]
    elif owner == "object_end":
        expected = _EXPECTED["object"]
    elif owner == "tuple_end":
        expected = _EXPECTED["tuple"]
    elif node.type == ")":
        expected = _EXPECTED["call" if owner == "function_call" else "paren"]
    else:  # a value or a name it had to make up: report what stands there instead
        return _unexpected(offset, leaves, reader)
    before = [pair for pair in leaves if pair[0].end_byte <= offset]
    if at_end:
        message = "unexpected end of file"
        line, col = _position(src, len(src))
    else:
        message = _describe(_token(src, offset))
        line, col = _position(src, offset)
    return ParseError(f"{message}; expected {expected}" if before else message, line, col)
