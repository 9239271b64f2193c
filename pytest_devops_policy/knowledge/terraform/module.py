"""The Terraform module as shared knowledge sees it, and how findings about values read.

``Module`` is what the module index (``indexes.terraform.TfModule``) offers:
value resolution (``evaluate.Evaluator``), ``dynamic`` block expansion, the
resources of the module, and links between them. Knowledge modules take a
``Module`` so they depend on this protocol, not on the index that reads files.

``unknown`` and ``shown`` phrase a value the same way in every policy: as
written, with what it resolves to, or with why it does not resolve.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from pytest_devops_policy.api import Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value, hcl, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource

__all__ = ["Findings", "Module", "short", "shown", "unknown", "unresolved"]

Findings = Iterator[Violation | Unknown]
Test = Callable[[Value], "bool | None"]


class Module(Protocol):
    """One module directory's resources and values (see ``indexes.terraform.TfModule``)."""

    def resolve(self, value: Value) -> Value: ...

    def candidates(self, value: Value, within: TfResource | None = None) -> list[Value]: ...

    def decide(self, value: Value, test: Test, within: TfResource | None = None) -> bool | None: ...

    def violates(
        self, value: Value, bad: Test, within: TfResource | None = None
    ) -> bool | None: ...

    def explain(self, value: Value) -> str: ...

    def blocks(self, owner: Block | TfResource, name: str) -> list[Block]: ...

    def views(self, resource: TfResource) -> list[TfResource]: ...

    def first(self, owner: Block | TfResource, name: str) -> Block | None: ...

    def by_type(self, *types: str) -> list[TfResource]: ...

    def refers_to(
        self, value: Value, target: TfResource, attrs: Sequence[str] = ("id",)
    ) -> bool: ...

    def linked(
        self,
        target: TfResource,
        types: Sequence[str],
        via: str,
        attrs: Sequence[str] = ("id",),
        name_attr: str | None = None,
    ) -> list[TfResource]: ...

    def opaque(self, value: Value) -> bool: ...

    def unlinked(self, types: Sequence[str], via: str) -> list[TfResource]: ...


_SHORT = 100


def short(value: Value) -> str:
    """The value in HCL, cut to a length that fits a message."""
    text = hcl(value)
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


def shown(raw: Value, module: Module) -> str:
    """The value as written, plus what it resolves to when that differs."""
    resolved = module.resolve(raw)
    if is_literal(raw) or not is_literal(resolved):
        return short(raw)
    return f"{short(raw)} (= {short(resolved)})"


def unresolved(name: str, raw: Value, module: Module) -> str:
    """``name = <value> (<why it does not resolve>)``."""
    return f"{name} = {short(raw)} ({module.explain(raw)})"


def unknown(name: str, raw: Value, module: Module) -> Unknown:
    """ "Cannot be checked statically", because ``name``'s value does not resolve."""
    return Unknown(unresolved(name, raw, module))
