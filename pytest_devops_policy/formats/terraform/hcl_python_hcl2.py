"""The python-hcl2 backend of the Terraform model (``DEVOPS_POLICY_HCL_PARSER=hcl2``).

Kept as a fallback when tree-sitter cannot load, and as the oracle of the
differential tests (``tests/test_hcl_backends.py``): both backends must build the
same ``Attribute``/``Block``/value model (``model.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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

__all__ = ["Hcl2Adapter"]


class Hcl2Adapter:
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
            raw = str(node.token.value)
            number = whole_number(raw)
            return Expr(raw) if number is None else number  # too big to keep: unresolved
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
            return split_heredoc(heredoc_body(str(node.heredoc.value)))
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
        return make_template(parts)

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
            raw = str(index_rule.index.value)
            number = whole_number(raw)
            key = Expr(raw) if number is None else number
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
