"""The Terraform functions and operators a static check may evaluate (§5.2-2).

Only pure functions, only on literal arguments: ``jsonencode``/``jsondecode``,
the conversions (``tostring``, ``tonumber``, ``tobool``, ``tolist``, ``toset``),
``lower``/``upper``, ``concat`` and the simple verbs of ``format``; the collection
functions registry modules use to read their inputs (``lookup``, ``keys``, ``length``,
``contains``, ``split``, ``join``, ``compact``, ``coalesce``, ``merge``); and the
comparison, logical and arithmetic operators. Anything else answers ``MISSING`` and the
expression stays unresolved.
"""

from __future__ import annotations

import json

from pytest_devops_policy.formats.terraform.model import Value
from pytest_devops_policy.knowledge.terraform.references import MISSING, Missing
from pytest_devops_policy.knowledge.terraform.values import to_bool, to_number, to_string

__all__ = ["binary", "call"]


def call(name: str, args: tuple[Value, ...]) -> Value | Missing:
    """``name(args...)`` on literal arguments, or ``MISSING``."""
    try:
        if name == "jsonencode" and len(args) == 1:
            return json.dumps(args[0], sort_keys=False)
        if name == "jsondecode" and len(args) == 1 and isinstance(args[0], str):
            decoded: Value = json.loads(args[0])
            return decoded
        if name == "tostring" and len(args) == 1:
            text = to_string(args[0])
            return MISSING if text is None else text
        if name == "tonumber" and len(args) == 1:
            return _tonumber(args[0])
        if name == "tobool" and len(args) == 1:
            flag = to_bool(args[0])
            return MISSING if flag is None else flag
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
        if name in _COLLECTIONS:
            return _COLLECTIONS[name](args)
    except (ValueError, TypeError):
        return MISSING
    return MISSING


def _tonumber(arg: Value) -> Value | Missing:
    if isinstance(arg, (int, float)) and not isinstance(arg, bool):
        return arg
    number = to_number(arg)
    if number is None or not isinstance(arg, str):
        return MISSING
    # "7" is the whole number 7; "7.0" stays a float, as written
    return int(number) if number.is_integer() and "." not in arg else number


def _format(spec: str, args: tuple[Value, ...]) -> Value | Missing:
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
        text = to_string(arg)
        if text is None or (verb == "d" and not isinstance(arg, int)):
            return MISSING
        out.append(json.dumps(text) if verb == "q" else text)
    return "".join(out)


def binary(op: str, lhs: Value, rhs: Value) -> Value | Missing:
    """``lhs op rhs`` on literal operands, or ``MISSING``."""
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


# --------------------------------------------------------------------------- collections
# What registry modules (terraform-aws-modules) use to read optional keys of map inputs and
# comma-separated lists: ``lookup(var.x, "k", default)``, ``compact(split(",", ...))``.


def _lookup(args: tuple[Value, ...]) -> Value | Missing:
    if len(args) not in (2, 3) or not isinstance(args[0], dict) or not isinstance(args[1], str):
        return MISSING
    if args[1] in args[0]:
        return args[0][args[1]]
    return args[2] if len(args) == 3 else MISSING  # Terraform errors without a default


def _keys(args: tuple[Value, ...]) -> Value | Missing:
    if len(args) != 1 or not isinstance(args[0], dict):
        return MISSING
    found: list[Value] = list(sorted(args[0]))  # Terraform returns the keys in lexical order
    return found


def _length(args: tuple[Value, ...]) -> Value | Missing:
    if len(args) != 1 or not isinstance(args[0], (list, dict, str)):
        return MISSING
    return len(args[0])


def _contains(args: tuple[Value, ...]) -> Value | Missing:
    if len(args) != 2 or not isinstance(args[0], list):
        return MISSING
    return args[1] in args[0]


def _split(args: tuple[Value, ...]) -> Value | Missing:
    if len(args) != 2 or not isinstance(args[0], str) or not isinstance(args[1], str):
        return MISSING
    if not args[0]:
        return MISSING  # Terraform splits into characters; nothing here needs that
    parts: list[Value] = list(args[1].split(args[0]))
    return parts


def _join(args: tuple[Value, ...]) -> Value | Missing:
    if len(args) < 2 or not isinstance(args[0], str):
        return MISSING
    items: list[str] = []
    for arg in args[1:]:
        if not isinstance(arg, list):
            return MISSING
        for item in arg:
            text = to_string(item)
            if text is None:
                return MISSING
            items.append(text)
    return args[0].join(items)


def _compact(args: tuple[Value, ...]) -> Value | Missing:
    if len(args) != 1 or not isinstance(args[0], list):
        return MISSING
    if any(v is not None and not isinstance(v, str) for v in args[0]):
        return MISSING
    kept: list[Value] = [v for v in args[0] if v]
    return kept


def _merge(args: tuple[Value, ...]) -> Value | Missing:
    merged: dict[str, Value] = {}
    for arg in args:
        if arg is None:
            continue
        if not isinstance(arg, dict):
            return MISSING
        merged.update(arg)
    return merged


def _coalesce(args: tuple[Value, ...]) -> Value | Missing:
    for arg in args:
        if arg is not None and arg != "":
            return arg
    return MISSING  # Terraform errors when every argument is null or ""


_COLLECTIONS = {
    "lookup": _lookup,
    "keys": _keys,
    "length": _length,
    "contains": _contains,
    "split": _split,
    "join": _join,
    "compact": _compact,
    "coalesce": _coalesce,
    "merge": _merge,
}
