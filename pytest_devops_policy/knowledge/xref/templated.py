"""Values with template tokens (catalog §9.2-3): literal text plus what only a run knows.

A ``Templated`` value is a sequence of literal parts and ``Token`` parts. A token is a
``${{ }}`` expression, a shell or CI variable (``$X`` / ``${X}``), a command substitution
(``$(…)`` / backticks) or "some ECR registry host" (the ``registry`` output of
``aws-actions/amazon-ecr-login``). Its ``text`` is canonical, so two tokens are the same
value exactly when their texts are equal:

* ``${{ }}`` bodies: a bare context is normalised (``${{ github.event['x'] }}`` is
  ``${{ github.event.x }}``, lowercase); any other body has its whitespace collapsed;
* ``$X`` and ``${X}`` are both ``${X}``; ``$GITHUB_SHA``, ``$GITHUB_RUN_ID``,
  ``$GITHUB_REF_NAME`` (and the other default ``GITHUB_*`` variables with a context twin)
  are the ``${{ github.* }}`` expression they mirror;
* ``$(…)`` and backticks keep their text with whitespace collapsed.

Equality (``equal``) is three-valued: True when the literal parts are equal and the tokens
identical; False when literal text that no token can change differs (a prefix before the
first token, a suffix after the last, or two token-free texts); None (UNKNOWN) otherwise,
because the answer depends on what a token holds at run time.

This module reads text only; which tokens a workflow can resolve is ``resolve.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pytest_devops_policy.formats.github_actions.expressions import (
    Ctx,
    ExpressionError,
    find_expressions,
    parse_expression,
)

__all__ = [
    "ECR_REGISTRY",
    "GITHUB_ALIASES",
    "Templated",
    "Token",
    "equal",
    "expression_token",
    "split_template",
    "variable_token",
]

# The default variables that mirror a github context (catalog §9.2-3 names the first three).
GITHUB_ALIASES = {
    "GITHUB_SHA": "github.sha",
    "GITHUB_RUN_ID": "github.run_id",
    "GITHUB_REF_NAME": "github.ref_name",
    "GITHUB_RUN_NUMBER": "github.run_number",
    "GITHUB_RUN_ATTEMPT": "github.run_attempt",
    "GITHUB_REF": "github.ref",
    "GITHUB_REPOSITORY": "github.repository",
    "GITHUB_REPOSITORY_OWNER": "github.repository_owner",
}


@dataclass(frozen=True)
class Token:
    """What only the run knows. ``kind``: expression, variable, command or ecr-registry."""

    text: str
    kind: str

    def __str__(self) -> str:
        return self.text


# "Some ECR host": account and region unknown (catalog §9.2-2).
ECR_REGISTRY = Token("<ecr-registry>", "ecr-registry")

Part = str | Token


@dataclass(frozen=True)
class Templated:
    """Literal parts and tokens, adjacent literals merged and empty ones dropped."""

    parts: tuple[Part, ...]

    @classmethod
    def of(cls, parts: Iterable[Part]) -> Templated:
        out: list[Part] = []
        for p in parts:
            if isinstance(p, str):
                if not p:
                    continue
                if out and isinstance(out[-1], str):
                    out[-1] += p
                    continue
            out.append(p)
        return cls(tuple(out))

    @classmethod
    def literal_text(cls, text: str) -> Templated:
        return cls.of((text,))

    @property
    def literal(self) -> str | None:
        """The whole value when it holds no token."""
        if not self.parts:
            return ""
        if len(self.parts) == 1 and isinstance(self.parts[0], str):
            return self.parts[0]
        return None

    @property
    def tokens(self) -> tuple[Token, ...]:
        return tuple(p for p in self.parts if isinstance(p, Token))

    @property
    def text(self) -> str:
        """As shown in messages: literals with the canonical token texts."""
        return "".join(str(p) for p in self.parts)

    def __str__(self) -> str:
        return self.text

    def __add__(self, other: Templated) -> Templated:
        return Templated.of((*self.parts, *other.parts))

    def map_literals(self, fn: Callable[[str], str]) -> Templated:
        return Templated.of(fn(p) if isinstance(p, str) else p for p in self.parts)

    def startswith_literal(self, prefix: str) -> bool | None:
        """Whether the value starts with ``prefix``; None when a token decides."""
        head = self.parts[0] if self.parts else ""
        if not isinstance(head, str):
            return None
        if head.startswith(prefix):
            return True
        if len(self.parts) > 1 and prefix.startswith(head):
            return None
        return False


def expression_token(body: str) -> Token:
    """The canonical token of ``${{ body }}``."""
    body = body.strip()
    try:
        node = parse_expression(body)
    except ExpressionError:
        node = None
    if isinstance(node, Ctx) and "*" not in node.path:
        return Token("${{ " + node.text + " }}", "expression")
    return Token("${{ " + " ".join(body.split()) + " }}", "expression")


def variable_token(name: str, modifier: str = "") -> Token:
    """``$NAME`` / ``${NAME…}``; the GITHUB_* twins of a context become that expression."""
    if not modifier and name in GITHUB_ALIASES:
        return Token("${{ " + GITHUB_ALIASES[name] + " }}", "expression")
    return Token("${" + name + modifier + "}", "variable")


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _matching(text: str, i: int, opener: str, closer: str) -> int:
    """Index just past the ``closer`` that balances the ``opener`` before ``i``; -1 if none."""
    depth = 1
    quote = ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"':
                i += 1
        elif ch in "'\"":
            quote = ch
        elif ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _scan(text: str, dollar_escape: bool) -> Iterator[Part]:
    i = 0
    lit = 0
    while i < len(text):
        ch = text[i]
        if ch == "$" and dollar_escape and text.startswith("$$", i):
            yield text[lit:i] + "$"
            i = lit = i + 2
            continue
        if ch == "$" and text.startswith("$(", i) and not text.startswith("$((", i):
            end = _matching(text, i + 2, "(", ")")
            if end < 0:
                break
            yield text[lit:i]
            yield Token("$(" + " ".join(text[i + 2 : end - 1].split()) + ")", "command")
            i = lit = end
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            if end < 0:
                break
            yield text[lit:i]
            yield Token("$(" + " ".join(text[i + 1 : end].split()) + ")", "command")
            i = lit = end + 1
            continue
        if ch == "$" and text.startswith("${", i):
            end = _matching(text, i + 2, "{", "}")
            m = _NAME.match(text, i + 2)
            if end < 0 or m is None:
                i += 1
                continue
            yield text[lit:i]
            yield variable_token(m.group(0), text[m.end() : end - 1])
            i = lit = end
            continue
        if ch == "$":
            m = _NAME.match(text, i + 1)
            if m is not None:
                yield text[lit:i]
                yield variable_token(m.group(0))
                i = lit = m.end()
                continue
        i += 1
    yield text[lit:]


def split_template(text: str, *, dollar_escape: bool = False) -> Templated:
    """Read ``text`` into literal parts and tokens. ``dollar_escape``: ``$$`` is a literal
    ``$`` (GitLab CI keywords)."""
    parts: list[Part] = []
    pos = 0
    # The one expression reader finds the ``${{ }}`` spans; shell syntax is read between them.
    for expr in find_expressions(text):
        if not expr.text.endswith("}}") or expr.end - expr.start < 5:
            break  # unclosed: GitHub rejects it; the rest stays literal text
        parts.extend(_scan(text[pos : expr.start], dollar_escape))
        parts.append(expression_token(expr.body))
        pos = expr.end
    parts.extend(_scan(text[pos:], dollar_escape))
    return Templated.of(parts)


def equal(a: Templated, b: Templated) -> bool | None:
    """True / False / None (depends on a token's run-time value): see the module docstring."""
    pa, pb = a.parts, b.parts
    if pa == pb:
        return True
    la, lb = a.literal, b.literal
    if la is not None and lb is not None:
        return la == lb
    # Literal text up to the first token and after the last one must agree.
    head_a = pa[0] if pa and isinstance(pa[0], str) else ""
    head_b = pb[0] if pb and isinstance(pb[0], str) else ""
    n = min(len(head_a), len(head_b))
    if head_a[:n] != head_b[:n]:
        return False
    tail_a = pa[-1] if pa and isinstance(pa[-1], str) else ""
    tail_b = pb[-1] if pb and isinstance(pb[-1], str) else ""
    n = min(len(tail_a), len(tail_b))
    if n and tail_a[-n:] != tail_b[-n:]:
        return False
    return None
