"""Scalar helpers shared by the workflow model: YAML values as the model reads them."""

from __future__ import annotations

from typing import Any

__all__ = ["as_mapping", "as_strings", "as_text"]


def as_text(value: object) -> str | None:
    """A scalar as text (``true`` -> ``"true"``); containers and null give ``None``."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_mapping(value: object) -> dict[str, Any]:
    """A mapping, or ``{}`` for anything else (absent keys, nulls, wrong types)."""
    return value if isinstance(value, dict) else {}


def as_strings(value: object) -> tuple[str, ...]:
    """A string-or-list filter (``branches: main`` or ``branches: [main]``)."""
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(t for t in (as_text(v) for v in value) if t is not None)
    t = as_text(value)
    return (t,) if t is not None else ()
