"""References inside Terraform values: following them, replacing them, finding them.

Pure operations on the value model (``formats.terraform.model``): step into a
literal (``walk``), replace the references a lookup knows (iterators, ``each``,
``count.index``), and list the expressions a value still holds, for messages and
for linking resources by reference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TypeAlias

from pytest_devops_policy.formats.terraform.model import Expr, Template, Value, make_template

__all__ = [
    "FOREIGN_TEXT",
    "MISSING",
    "Lookup",
    "Missing",
    "expr_texts",
    "first_unresolved",
    "mentions",
    "substitute",
    "unresolved_texts",
    "walk",
]


class Missing:
    """Sentinel: a lookup has nothing for this reference."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = Missing()

Lookup: TypeAlias = Callable[[tuple[str | int, ...]], "Value | Missing"]


def walk(value: Value, parts: Sequence[str | int]) -> Value | Missing:
    """Follow attribute/index steps into a literal value."""
    current: Value = value
    for part in parts:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            current = current[part]
            continue
        if (
            isinstance(current, list)
            and isinstance(part, int)
            and not isinstance(part, bool)
            and 0 <= part < len(current)
        ):
            current = current[part]
            continue
        return MISSING
    return current


def substitute(value: Value, lookup: Lookup) -> Value:
    """Replace static references for which ``lookup`` has a value (iterators, ``each``)."""
    if isinstance(value, list):
        return [substitute(v, lookup) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, lookup) for k, v in value.items()}
    if isinstance(value, Template):
        parts = [p if isinstance(p, str) else substitute(p, lookup) for p in value.parts]
        return make_template(parts)
    if isinstance(value, Expr):
        if value.kind == "ref":
            found = lookup(value.ref)
            return value if isinstance(found, Missing) else found
        if value.args:
            args = tuple(substitute(a, lookup) for a in value.args)
            if args != value.args:
                return replace(value, args=args)
    return value


def mentions(value: Value, roots: Sequence[str]) -> bool:
    """Does the value refer to one of ``roots`` (``each``, ``count``)?"""
    if isinstance(value, Expr):
        if value.kind == "ref" and value.ref and value.ref[0] in roots:
            return True
        return any(mentions(a, roots) for a in value.args) or (
            value.kind == "other" and any(f"{r}." in value.text for r in roots)
        )
    if isinstance(value, Template):
        return any(mentions(p, roots) for p in value.parts if isinstance(p, Expr))
    if isinstance(value, list):
        return any(mentions(v, roots) for v in value)
    if isinstance(value, dict):
        return any(mentions(v, roots) for v in value.values())
    return False


# What a caller's unresolved argument shows to linking inside the called module: its text
# names the caller's resources, which are not the child's (``aws_s3_bucket.this`` in both).
FOREIGN_TEXT = "(a value of the calling module)"


def expr_texts(value: Value) -> Iterator[str]:
    """The text of every expression in the value, nested arguments included."""
    if isinstance(value, Expr):
        yield FOREIGN_TEXT if value.kind == "foreign" else value.text
        for arg in value.args:
            yield from expr_texts(arg)
    elif isinstance(value, Template):
        for part in value.parts:
            if isinstance(part, Expr):
                yield from expr_texts(part)
    elif isinstance(value, list):
        for v in value:
            yield from expr_texts(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from expr_texts(v)


def unresolved_texts(value: Value) -> Iterator[str]:
    """The outermost unresolved expressions of a value."""
    if isinstance(value, Expr):
        yield FOREIGN_TEXT if value.kind == "foreign" else value.text
    elif isinstance(value, Template):
        for part in value.parts:
            if isinstance(part, Expr):
                yield FOREIGN_TEXT if part.kind == "foreign" else part.text
    elif isinstance(value, list):
        for v in value:
            yield from unresolved_texts(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from unresolved_texts(v)


def first_unresolved(value: Value) -> Expr | None:
    """The innermost first expression that keeps the value from being literal."""
    if isinstance(value, Expr):
        for arg in value.args:
            inner = first_unresolved(arg)
            if inner is not None:
                return inner
        return value
    if isinstance(value, Template):
        return next((p for p in value.parts if isinstance(p, Expr)), None)
    if isinstance(value, list):
        for v in value:
            inner = first_unresolved(v)
            if inner is not None:
                return inner
    if isinstance(value, dict):
        for v in value.values():
            inner = first_unresolved(v)
            if inner is not None:
                return inner
    return None
