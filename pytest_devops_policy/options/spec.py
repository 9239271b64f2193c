"""How an option is declared: ``option(default, doc, policies=..., parse=...)`` on a field of
a frozen ``KindOptions`` dataclass whose ``TABLE`` names its pyproject table."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = ["KindOptions", "NoOptions", "OptionError", "option", "positive_int"]


class OptionError(ValueError):
    """A bad option: ``key`` is ``table.name`` (or the table alone)."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key} {problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class KindOptions:
    """Base of each kind's options dataclass."""

    TABLE: ClassVar[str] = ""


@dataclass(frozen=True)
class NoOptions(KindOptions):
    """A kind without options yet (its table accepts no key)."""


def option(
    default: Any,
    doc: str,
    *,
    policies: Iterable[str] = (),
    parse: Callable[[object], object] | None = None,
    type_text: str = "",
) -> Any:
    """A declared option: its default, what it does, the policies that read it, and an
    optional ``parse`` for values the annotation alone cannot check (raises ValueError)."""
    metadata = {"doc": doc, "policies": tuple(policies), "parse": parse, "type_text": type_text}
    if default.__class__.__hash__ is None:  # dataclasses refuse unhashable defaults
        frozen = default
        return dataclasses.field(default_factory=lambda: frozen, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def positive_int(value: object) -> int:
    """A whole number >= 1 (also as text, as the command line gives it)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise ValueError("must be a positive integer")
