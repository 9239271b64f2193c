"""How GitHub evaluates ``if:`` conditions, statically: three-valued (Kleene) logic.

``condition_node`` adds GitHub's implicit ``success() &&``; ``evaluate`` works
on the expression AST with the values a scenario fixes (``needs.deploy.result``)
and the status functions' results (``FAILED``, ``SUCCEEDED``); everything else is
``UNKNOWN`` and propagates. Policies ask "would this step run after a failure?".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from pytest_devops_policy.formats.github_actions.expressions import (
    BinOp,
    Call,
    Ctx,
    ExpressionError,
    Index,
    Lit,
    Node,
    Not,
    find_expressions,
    parse_expression,
    walk,
)

__all__ = [
    "FAILED",
    "STATUS_FUNCTIONS",
    "SUCCEEDED",
    "UNKNOWN",
    "condition_node",
    "condition_outcome",
    "evaluate",
    "truthy",
]

STATUS_FUNCTIONS = frozenset({"success", "failure", "always", "cancelled"})


# Kleene logic for `if:` conditions.
class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def _truthy(value: Any) -> bool | None:
    if value is UNKNOWN:
        return None
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str):
        return value != ""
    return True


def _number(value: Any) -> float:
    """GitHub's coercion to a number: null 0, booleans 0/1, '' 0, other text parsed or NaN."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return math.nan  # arrays and objects
    text = value.strip()
    try:
        return float(text) if text else 0.0
    except ValueError:
        return math.nan


def _loose_eq(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()  # GitHub compares strings case-insensitively
    if type(a) is type(b) or not _scalar(a) or not _scalar(b):
        return bool(a == b)
    return _number(a) == _number(b)  # mixed scalar types compare as numbers


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def _compare(op: str, a: Any, b: Any) -> Any:
    if not (isinstance(a, str) and isinstance(b, str)):
        if not _scalar(a) or not _scalar(b):
            return UNKNOWN
        a, b = _number(a), _number(b)
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def evaluate(
    node: Node,
    context: Callable[[tuple[str, ...]], Any],
    functions: Mapping[str, Any],
) -> Any:
    """Evaluate an expression with three-valued logic.

    ``context(path)`` gives a context's value or ``UNKNOWN``; ``functions``
    maps lowercase function names to their (constant) results. Anything not
    known evaluates to ``UNKNOWN``, and unknown operands propagate.
    """
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Ctx):
        return context(node.path)
    if isinstance(node, Call):
        return functions.get(node.name, UNKNOWN)
    if isinstance(node, Not):
        t = _truthy(evaluate(node.operand, context, functions))
        return UNKNOWN if t is None else not t
    if isinstance(node, Index):
        return UNKNOWN
    left = evaluate(node.left, context, functions)
    if node.op in ("&&", "||"):
        lt = _truthy(left)
        if node.op == "&&" and lt is False:
            return left
        if node.op == "||" and lt is True:
            return left
        right = evaluate(node.right, context, functions)
        if lt is not None:
            return right
        rt = _truthy(right)
        if node.op == "&&":
            return False if rt is False else UNKNOWN
        return True if rt is True else UNKNOWN
    right = evaluate(node.right, context, functions)
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if node.op == "==":
        return _loose_eq(left, right)
    if node.op == "!=":
        return not _loose_eq(left, right)
    return _compare(node.op, left, right)


def condition_node(condition: str | None) -> Node | None:
    """The effective ``if:`` expression, with GitHub's implicit ``success() &&``.

    ``if:`` may omit ``${{ }}``. A value that mixes text with ``${{ }}`` is a
    string template, which is always truthy, so it becomes ``true``. ``None``
    (no ``if:``) means ``success()``. Unparseable conditions give ``None``.
    """
    if condition is None:
        return Call("success", ())
    text = condition.strip()
    exprs = find_expressions(text)
    if exprs:
        if len(exprs) == 1 and exprs[0].start == 0 and exprs[0].end == len(text):
            text = exprs[0].body
        else:
            return Lit(True)
    try:
        node = parse_expression(text) if text else Lit(True)
    except ExpressionError:
        return None
    if not any(isinstance(n, Call) and n.name in STATUS_FUNCTIONS for n in walk(node)):
        node = BinOp("&&", Call("success", ()), node)
    return node


# Status-function results in the two scenarios policies usually ask about.
FAILED: Mapping[str, bool] = {"failure": True, "success": False, "always": True, "cancelled": False}
SUCCEEDED: Mapping[str, bool] = {
    "failure": False,
    "success": True,
    "always": True,
    "cancelled": False,
}


def truthy(value: Any) -> bool | None:
    """GitHub truthiness of an evaluated value; ``None`` for ``UNKNOWN``."""
    return _truthy(value)


def condition_outcome(
    condition: str | None,
    context: Callable[[tuple[str, ...]], Any] | None = None,
    functions: Mapping[str, Any] = SUCCEEDED,
) -> bool | None:
    """Would ``if: condition`` run? ``True``/``False``, or ``None`` when it depends on unknowns.

    ``context`` supplies the values the scenario fixes (``needs.deploy.result``);
    everything else is unknown. Unparseable conditions give ``None``.
    """
    node = condition_node(condition)
    if node is None:
        return None
    lookup = context or (lambda _path: UNKNOWN)
    return _truthy(evaluate(node, lookup, functions))
