"""``run:`` scripts as shell commands (argv words), with each ``${{ }}`` kept traceable.

``segments`` reads a script as command *texts* for the classifier's regexes; policies
that need the words of a command (``git push -fu origin +HEAD:main``, ``curl -sSLk``)
read it here, through the same shell reader (``knowledge.shell``). GitHub pastes each
``${{ }}`` value into the text before the shell runs, so each expression becomes the
shell variable ``${GHA_EXPR_<n>}``: a value nobody can know statically (a URL made of
it is "a variable", as in DOCKER-012), and ``expressions_in(word)`` maps it back to the
expression, for policies that follow attacker-controlled contexts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pytest_devops_policy.formats.github_actions.expressions import Expression, find_expressions
from pytest_devops_policy.knowledge.shell import Script, parse_script

__all__ = ["PLACEHOLDER", "RunScript", "env_references", "run_script", "substitute_expressions"]

PLACEHOLDER = re.compile(r"\$\{GHA_EXPR_(\d+)\}")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


@dataclass(frozen=True)
class RunScript:
    """A ``run:`` text read as shell commands; ``expressions[n]`` is ``${GHA_EXPR_n}``."""

    script: Script
    expressions: tuple[Expression, ...]

    def expressions_in(self, text: str) -> list[Expression]:
        """The ``${{ }}`` expressions whose values land in ``text`` (a word, written text)."""
        out: list[Expression] = []
        for m in PLACEHOLDER.finditer(text):
            n = int(m.group(1))
            if n < len(self.expressions):
                out.append(self.expressions[n])
        return out

    def show(self, text: str, limit: int = 100) -> str:
        """``text`` as the workflow wrote it (placeholders back to ``${{ }}``), on one line."""

        def back(m: re.Match[str]) -> str:
            n = int(m.group(1))
            return self.expressions[n].text if n < len(self.expressions) else m.group(0)

        shown = " ".join(PLACEHOLDER.sub(back, text).split())
        return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def run_script(text: str) -> RunScript:
    """Parse a ``run:`` script (memoised: the same script is read by several policies)."""
    return _run_script(text)


def substitute_expressions(
    text: str, placeholder: Callable[[int], str]
) -> tuple[str, tuple[Expression, ...]]:
    """``text`` with its n-th ``${{ }}`` replaced by ``placeholder(n)`` (before the shell
    reader sees it), and the expressions in order. The one substitution behind both script
    readers: ``run_script`` (placeholders are shell variables, values unknown) and
    ``script_exprs`` (placeholders are plain words)."""
    expressions = tuple(find_expressions(text))
    out: list[str] = []
    pos = 0
    for n, expr in enumerate(expressions):
        out.append(text[pos : expr.start])
        out.append(placeholder(n))
        pos = expr.end
    out.append(text[pos:])
    return "".join(out), expressions


@lru_cache(maxsize=1024)
def _run_script(text: str) -> RunScript:
    substituted, expressions = substitute_expressions(text, "${{GHA_EXPR_{}}}".format)
    return RunScript(parse_script(substituted), expressions)


def env_references(text: str, env: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The ``env`` entries (name, value) that ``$NAME`` / ``${NAME}`` in ``text`` read."""
    out: list[tuple[str, Any]] = []
    for m in _VARIABLE.finditer(text):
        name = m.group(1) or m.group(2)
        if name in env and not name.startswith("GHA_EXPR_"):
            out.append((name, env[name]))
    return out
