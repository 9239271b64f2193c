"""``run:`` scripts as tokenised commands that remember which ``${{ }}`` expression is where.

``knowledge.ci.segments`` replaces every expression with the same ``__EXPR__`` word, which
is all the job classifier needs. The secret policies (GHA-005, GHA-006) must know *which*
expression a word carries (``-p ${{ secrets.PASS }}`` is fine, ``-p ${{ vars.PASS }}`` is
not), so each expression first becomes a numbered placeholder word (the substitution of
``knowledge.ci.scripts``, with words instead of shell variables); the script is then cut
into segments by ``command_segments`` and each segment tokenised by ``knowledge.shell``
(quotes removed, redirections kept). Nothing is executed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pytest_devops_policy.formats.github_actions.expressions import (
    BinOp,
    Call,
    Expression,
    Lit,
    Node,
    find_expressions,
)
from pytest_devops_policy.knowledge.ci.scripts import substitute_expressions
from pytest_devops_policy.knowledge.ci.segments import Segment, command_segments
from pytest_devops_policy.knowledge.ci.taint import flows
from pytest_devops_policy.knowledge.shell import Command, parse_script

__all__ = [
    "Assignment",
    "ScriptCommand",
    "expression_flows",
    "literal_outputs",
    "placeholders_in",
    "script_assignments",
    "script_commands",
    "secret_contexts",
    "var_contexts",
]

_PLACEHOLDER = "__GHAEXPR{}__"
_PLACEHOLDER_RE = re.compile(r"__GHAEXPR(\d+)__")
# Functions whose string arguments can reach the result text.
_TEXT_FUNCTIONS = frozenset({"format", "join", "tojson", "fromjson"})
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})


@dataclass(frozen=True)
class ScriptCommand:
    """One command of a script: its segment, its words, and the expressions by placeholder."""

    segment: Segment
    command: Command
    expressions: Mapping[str, Expression]

    @property
    def name(self) -> str:
        return self.command.name

    def word_expressions(self, word: str) -> list[Expression]:
        """The expressions pasted into ``word``."""
        return [self.expressions[m.group()] for m in _PLACEHOLDER_RE.finditer(word)]

    def shown(self, word: str) -> str:
        """``word`` with its placeholders written back as the expressions they stand for."""
        return _PLACEHOLDER_RE.sub(lambda m: self.expressions[m.group()].text, word)


def _prepare(script: str) -> tuple[str, dict[str, Expression]]:
    text, exprs = substitute_expressions(script, _PLACEHOLDER.format)
    return text, {_PLACEHOLDER.format(n): e for n, e in enumerate(exprs)}


def script_commands(script: str) -> Iterator[ScriptCommand]:
    """Each simple command of ``script`` (wrappers such as ``sudo`` peeled off), tokenised."""
    return iter(_script_commands(script))


@lru_cache(maxsize=2048)
def _script_commands(script: str) -> tuple[ScriptCommand, ...]:
    # Several policies (secrets, exposure, the cross-artifact events) read the same run
    # script: it is split and tokenised once. The commands are frozen.
    text, table = _prepare(script)
    out = []
    for seg in command_segments(text):
        parsed = parse_script(seg.text)
        if parsed.commands:
            out.append(ScriptCommand(seg, parsed.commands[0], table))
    return tuple(out)


def placeholders_in(word: str) -> bool:
    return _PLACEHOLDER_RE.search(word) is not None


def expression_flows(value: Any) -> list[tuple[Expression, str]]:
    """(expression, context) for each context whose value can reach the text of ``value``."""
    if not isinstance(value, str) or "${{" not in value:
        return []
    return [(e, c) for e in find_expressions(value) for c in flows(e)]


def secret_contexts(expr: Expression) -> list[str]:
    """The ``secrets.*`` contexts whose value reaches the expanded text."""
    return [c for c in flows(expr) if c == "secrets" or c.startswith("secrets.")]


def var_contexts(expr: Expression) -> list[str]:
    """The ``vars.*`` contexts (plaintext configuration variables) that reach the text."""
    return [c for c in flows(expr) if c == "vars" or c.startswith("vars.")]


def literal_outputs(expr: Expression) -> list[str]:
    """String literals that can be the expression's result: the fallback of
    ``${{ secrets.X || 'hunter2-fallback' }}`` is written in the file like any literal."""
    if expr.node is None:
        return []
    return [s for s in _literals(expr.node) if s]


def _literals(node: Node) -> list[str]:
    if isinstance(node, Lit):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, BinOp):
        return [] if node.op in _COMPARISONS else _literals(node.left) + _literals(node.right)
    if isinstance(node, Call) and node.name in _TEXT_FUNCTIONS:
        args = node.args[1:] if node.name == "format" else node.args  # the format string
        return [s for a in args for s in _literals(a)]
    return []


@dataclass(frozen=True)
class Assignment:
    """A shell variable assignment (``NAME=value``, ``export NAME=value``) in a script."""

    name: str
    value: str  # quotes removed; expressions as placeholders
    expressions: Mapping[str, Expression]
    line: int  # 1-based, inside the script

    def word_expressions(self) -> list[Expression]:
        return [self.expressions[m.group()] for m in _PLACEHOLDER_RE.finditer(self.value)]


_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
_DECLARERS = frozenset({"export", "readonly", "declare", "typeset", "local"})


def script_assignments(script: str) -> Iterator[Assignment]:
    """Every ``NAME=value`` of ``script``: bare, before a command, or after ``export``."""
    text, table = _prepare(script)
    for cmd in parse_script(text).commands:
        words = [*cmd.assignments]
        if cmd.name in _DECLARERS:
            words += [w for w in cmd.args if not w.startswith("-")]
        for word in words:
            m = _ASSIGNMENT.match(word)
            if m is not None:
                yield Assignment(m.group(1), m.group(2), table, cmd.line + 1)
