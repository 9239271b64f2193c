"""Nested blocks as Terraform builds them: ``dynamic`` blocks expanded (§5.2-3).

A ``dynamic "ingress"`` block whose ``for_each`` resolves to a literal list or map
stands for one ``ingress`` block per element, with the iterator (``ingress.key``,
``ingress.value`` or the custom ``iterator`` name) bound. Otherwise it stands for
its content once, marked ``dynamic=True``: attributes that use the iterator stay
unresolved expressions, while literal ones can still be judged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.terraform.model import Block, Expr, Value, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.references import (
    MISSING,
    Lookup,
    Missing,
    substitute,
    walk,
)

__all__ = ["nested"]

Resolve = Callable[[Value], Value]


def nested(owner: Block | TfResource, name: str, resolve: Resolve | None = None) -> list[Block]:
    """``owner``'s nested ``name`` blocks in source order, ``dynamic "name"`` ones expanded.

    ``resolve`` turns ``for_each`` into a value (through variables and locals);
    without it only a literal ``for_each`` expands.
    """
    block = owner.block if isinstance(owner, TfResource) else owner
    out: list[Block] = []
    for entry in block.entries(name):
        if entry.type == "dynamic":
            out.extend(_expand(entry, name, resolve))
        else:
            out.append(entry)
    return out


def _expand(dyn: Block, name: str, resolve: Resolve | None) -> list[Block]:
    content = next((b for b in dyn.blocks if b.type == "content"), None)
    if content is None:
        return []
    iterator = name
    it_value = dyn.get("iterator")
    if isinstance(it_value, Expr) and it_value.kind == "ref" and len(it_value.ref) == 1:
        iterator = str(it_value.ref[0])
    elif isinstance(it_value, str):
        iterator = it_value
    for_each = dyn.get("for_each")
    resolved = resolve(for_each) if resolve is not None else for_each
    items: list[tuple[Value, Value]] | None = None
    if is_literal(resolved):
        if isinstance(resolved, list):
            items = [(i, v) for i, v in enumerate(resolved)]
        elif isinstance(resolved, dict):
            items = list(resolved.items())
    if items is None:
        return [replace(content, type=name, labels=(), path=dyn.path, dynamic=True)]
    return [_bind(content, name, dyn.path, iterator, key, value) for key, value in items]


def _bind(
    content: Block, name: str, path: tuple[PathPart, ...], iterator: str, key: Value, value: Value
) -> Block:
    def lookup(ref: tuple[str | int, ...]) -> Value | Missing:
        if not ref or ref[0] != iterator or len(ref) < 2:
            return MISSING
        if ref[1] == "key":
            return key if len(ref) == 2 else MISSING
        if ref[1] == "value":
            return walk(value, ref[2:])
        return MISSING

    return _substitute_block(content, lookup, name=name, path=path)


def _substitute_block(
    block: Block,
    lookup: Lookup,
    *,
    name: str | None = None,
    path: tuple[PathPart, ...] | None = None,
) -> Block:
    attrs = {k: replace(a, value=substitute(a.value, lookup)) for k, a in block.attributes.items()}
    children = [_substitute_block(b, lookup) for b in block.blocks]
    return replace(
        block,
        type=block.type if name is None else name,
        labels=block.labels if name is None else (),
        attributes=attrs,
        blocks=children,
        path=block.path if path is None else path,
        dynamic=False,
    )
