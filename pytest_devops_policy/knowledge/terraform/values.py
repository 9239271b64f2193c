"""Terraform's conversion rules, as every Terraform policy applies them.

An argument of type bool or number accepts a string Terraform can convert
(``restrict_public_buckets = "true"``, ``backup_retention_period = "14"``), and
null means "unset": the provider default applies. These functions answer with
the converted value, or ``None`` when the value has no such conversion, which a
policy reports as "cannot be checked" rather than guess. What is not a literal
at all (an unresolved ``Expr``) is told by ``model.is_literal``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from pytest_devops_policy.formats.terraform.model import Value, scalar_text

__all__ = [
    "is_false",
    "is_true",
    "keyword",
    "one_of",
    "to_bool",
    "to_number",
    "to_string",
    "to_whole_number",
]

# A decimal number as written in a string; Terraform reads no other spelling
# (no "0x1F", "1_000", "nan" or "inf").
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def to_bool(value: Value, default: bool | None = None) -> bool | None:
    """A bool argument's value: ``true``/``false``, or the strings ``"true"``/``"false"``
    (in any case, as this plugin has always read them). ``default`` answers for null,
    i.e. what the provider does when the argument is unset."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def is_true(value: Value) -> bool | None:
    """A ``decide`` test: the setting is on. Unset (null) is not on."""
    return to_bool(value, default=False)


def is_false(value: Value) -> bool | None:
    """A ``decide`` test: the setting is explicitly off. Unset (null) is not off."""
    verdict = to_bool(value, default=True)
    return None if verdict is None else not verdict


def to_number(value: Value) -> float | None:
    """A number argument's value: a number, or a string holding a decimal number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:  # an int past the largest double (computed, not written)
            return None
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER.fullmatch(text):
            return float(text)
    return None


def to_whole_number(value: Value) -> int | None:
    """A number argument the provider reads as an integer (ports, rule numbers)."""
    number = to_number(value)
    if number is None or not number.is_integer():
        return None
    return int(number)


def to_string(value: Value) -> str | None:
    """A string argument's value: a string, or a bool or number in Terraform's spelling
    (``true``, ``14``, ``1.5``); ``None`` for null, lists, maps and expressions."""
    return scalar_text(value)


def keyword(value: Value) -> str | None:
    """An enumerated setting (``acl``, ``protocol``, ``direction``) compared the way
    providers compare them: trimmed and case-insensitive. ``None`` if not a string."""
    return value.strip().lower() if isinstance(value, str) else None


def one_of(choices: Collection[str], absent: bool = False) -> Callable[[Value], bool | None]:
    """A ``decide`` test: the enumerated setting is one of ``choices`` (lower case);
    ``absent`` is the verdict for null, i.e. the provider default."""

    def test(value: Value) -> bool | None:
        if value is None:
            return absent
        text = keyword(value)
        return None if text is None else text in choices

    return test
