"""Can an expression be true? A small, finite search over the values its contexts may take.

Three-valued evaluation (``conditions``) cannot see that ``github.ref == 'refs/heads/main'
&& github.ref != 'refs/heads/main'`` is never true: each side is merely unknown. Here every
context an expression (and its assumptions, such as the job's ``if:``) reads is given a small
domain: the values a caller knows (``github.event_name`` is one of the workflow's events),
or else every literal the expressions mention, the empty string and one "other" value.
Equality, ``startsWith``/``endsWith``/``contains`` and the boolean operators only
distinguish a value by those literals, so trying each combination decides the question
for them; anything else evaluates to unknown, which counts as "may be true".

Used by GHA-018 (can ``cancel-in-progress`` be true for this deploy?) and GHA-024 (can
the job run for a Friday schedule?). Nothing from the file is executed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pytest_devops_policy.formats.github_actions.expressions import (
    Call,
    Ctx,
    Index,
    Lit,
    Node,
    Not,
    walk,
)

__all__ = ["OTHER", "STATUS_NORMAL", "may_be_true"]

OTHER = "\x00other"  # a value equal to no literal of the expressions


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


_UNK: Any = _Unknown()
# Status functions on the normal path (the needed jobs succeeded, nothing was cancelled).
STATUS_NORMAL: Mapping[str, bool] = {
    "success": True,
    "always": True,
    "failure": False,
    "cancelled": False,
}
_STRING_FUNCTIONS = {"startswith", "endswith", "contains"}


def _truthy(value: Any) -> bool | None:
    if value is _UNK:
        return None
    if value is None or value is False:
        return False
    if isinstance(value, float):
        return value != 0.0 and not math.isnan(value)
    if isinstance(value, str):
        return value != ""
    return True


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    try:
        return float(str(value).strip()) if str(value).strip() else 0.0
    except ValueError:
        return math.nan


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()  # GitHub compares strings case-insensitively
    if type(a) is type(b):
        return bool(a == b)
    return _number(a) == _number(b)  # mixed types compare as numbers


def _text(value: Any) -> str | None:
    if value is _UNK:
        return None
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def _call(node: Call, env: Mapping[tuple[str, ...], Any], status: Mapping[str, bool]) -> Any:
    if node.name in status:
        return status[node.name]
    if node.name in _STRING_FUNCTIONS and len(node.args) == 2:
        a, b = (_text(_eval(arg, env, status)) for arg in node.args)
        if a is None or b is None:
            return _UNK
        a, b = a.lower(), b.lower()
        if node.name == "startswith":
            return a.startswith(b)
        if node.name == "endswith":
            return a.endswith(b)
        return b in a
    return _UNK


def _eval(node: Node, env: Mapping[tuple[str, ...], Any], status: Mapping[str, bool]) -> Any:
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Ctx):
        return env.get(node.path, _UNK)
    if isinstance(node, Call):
        return _call(node, env, status)
    if isinstance(node, Not):
        t = _truthy(_eval(node.operand, env, status))
        return _UNK if t is None else not t
    if isinstance(node, Index):
        return _UNK
    left = _eval(node.left, env, status)
    if node.op in ("&&", "||"):
        lt = _truthy(left)
        if lt is (node.op == "||"):
            return left
        right = _eval(node.right, env, status)
        if lt is not None:
            return right
        rt = _truthy(right)
        if node.op == "&&":
            return False if rt is False else _UNK
        return True if rt is True else _UNK
    right = _eval(node.right, env, status)
    if left is _UNK or right is _UNK:
        return _UNK
    if node.op == "==":
        return _equal(left, right)
    if node.op == "!=":
        return not _equal(left, right)
    a, b = left, right
    if not (isinstance(a, str) and isinstance(b, str)):
        a, b = _number(a), _number(b)
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[node.op]


def _literals(nodes: Iterable[Node]) -> list[Any]:
    found: list[Any] = []
    for root in nodes:
        for n in walk(root):
            if isinstance(n, Lit) and n.value not in found:
                found.append(n.value)
    return found


def may_be_true(
    node: Node,
    assumptions: Sequence[Node] = (),
    domains: Mapping[tuple[str, ...], Sequence[Any]] | None = None,
    status: Mapping[str, bool] = STATUS_NORMAL,
    limit: int = 4096,
) -> bool | None:
    """Whether some values of the contexts make ``node`` true (or unknown) while no
    assumption is false. ``domains`` fixes the possible values of some contexts (paths as
    in ``Ctx.path``). ``None``: too many combinations to try."""
    nodes = [node, *assumptions]
    paths: list[tuple[str, ...]] = []
    for root in nodes:
        for n in walk(root):
            if isinstance(n, Ctx) and n.path not in paths:
                paths.append(n.path)
    literals = [v for v in _literals(nodes) if v not in ("", OTHER)]
    generic = [*literals, "", OTHER]
    choices = [list((domains or {}).get(p, generic)) or [OTHER] for p in paths]
    if math.prod(len(c) for c in choices) > limit:
        return None
    for values in itertools.product(*choices):
        env = dict(zip(paths, values, strict=True))
        if any(_truthy(_eval(a, env, status)) is False for a in assumptions):
            continue
        if _truthy(_eval(node, env, status)) is not False:
            return True
    return False
