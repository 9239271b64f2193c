"""The Terraform functions and operators a static check may evaluate (§5.2-2).

Only pure functions, only on literal arguments: ``jsonencode``/``jsondecode``,
the conversions (``tostring``, ``tonumber``, ``tobool``, ``tolist``, ``toset``),
``lower``/``upper``, ``concat``, the simple verbs of ``format``, the collection
functions modules compute with (``length``, ``lookup``, ``element``, ``merge``,
``coalesce``, ``split``, ``join``, ``compact``, ``distinct``, ``flatten``, ``keys``,
``values``, ``contains``, ``trimspace``, and ``try`` whose first argument is known);
and the comparison, logical and arithmetic operators. Anything else answers ``MISSING``
and the expression stays unresolved.
"""

from __future__ import annotations

import json
from collections.abc import Callable

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
        collection = _COLLECTIONS.get(name)
        if collection is not None:
            return collection(args)
    except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError):
        return MISSING
    return MISSING


def _length(args: tuple[Value, ...]) -> Value | Missing:
    (arg,) = args
    return len(arg) if isinstance(arg, (str, list, dict)) else MISSING


def _lookup(args: tuple[Value, ...]) -> Value | Missing:
    table, key = args[0], args[1]
    if not isinstance(table, dict) or not isinstance(key, str) or len(args) > 3:
        return MISSING
    if key in table:
        return table[key]
    return args[2] if len(args) == 3 else MISSING  # Terraform fails without a default


def _element(args: tuple[Value, ...]) -> Value | Missing:
    items, index = args
    if not isinstance(items, list) or not items or not _is_int(index):
        return MISSING
    assert isinstance(index, int)
    return items[index % len(items)] if index >= 0 else MISSING


def _is_int(value: Value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _merge(args: tuple[Value, ...]) -> Value | Missing:
    out: dict[str, Value] = {}
    for arg in args:
        if arg is None:
            continue
        if not isinstance(arg, dict):
            return MISSING
        out.update(arg)
    return out


def _coalesce(args: tuple[Value, ...]) -> Value | Missing:
    return next((a for a in args if a is not None and a != ""), MISSING)


def _split(args: tuple[Value, ...]) -> Value | Missing:
    sep, text = args
    if not isinstance(sep, str) or not isinstance(text, str) or not sep:
        return MISSING
    return list(text.split(sep))


def _join(args: tuple[Value, ...]) -> Value | Missing:
    sep, *lists = args
    if not isinstance(sep, str) or not all(isinstance(x, list) for x in lists):
        return MISSING
    parts = [to_string(v) for x in lists if isinstance(x, list) for v in x]
    if any(p is None for p in parts):
        return MISSING
    return sep.join(p for p in parts if p is not None)


def _flatten(value: Value) -> list[Value]:
    if isinstance(value, list):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


def _distinct(args: tuple[Value, ...]) -> Value | Missing:
    (items,) = args
    if not isinstance(items, list):
        return MISSING
    unique: list[Value] = []
    for item in items:
        if item not in unique:
            unique.append(item)
    return unique


def _list_of(args: tuple[Value, ...], keep: str) -> Value | Missing:
    (table,) = args
    if not isinstance(table, dict):
        return MISSING
    ordered = sorted(table)  # Terraform orders map keys lexically
    return list(ordered) if keep == "keys" else [table[k] for k in ordered]


_Collection = Callable[[tuple[Value, ...]], "Value | Missing"]

# Pure collection and string functions on literal arguments (issue 17: registry modules
# compute their rules with them: count = length(var.rules), lookup(rule, "cidr_blocks")).
_COLLECTIONS: dict[str, _Collection] = {
    "length": _length,
    "lookup": _lookup,
    "element": _element,
    "merge": _merge,
    "coalesce": _coalesce,
    "split": _split,
    "join": _join,
    "distinct": _distinct,
    "keys": lambda a: _list_of(a, "keys"),
    "values": lambda a: _list_of(a, "values"),
    "flatten": lambda a: _flatten(a[0]) if len(a) == 1 and isinstance(a[0], list) else MISSING,
    "compact": lambda a: (
        [v for v in a[0] if v not in (None, "")]
        if len(a) == 1 and isinstance(a[0], list)
        else MISSING
    ),
    "contains": lambda a: (a[1] in a[0]) if len(a) == 2 and isinstance(a[0], list) else MISSING,
    "try": lambda a: a[0] if a else MISSING,  # only called when every argument is literal
    "trimspace": lambda a: a[0].strip() if len(a) == 1 and isinstance(a[0], str) else MISSING,
}


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
