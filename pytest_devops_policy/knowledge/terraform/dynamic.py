"""Nested blocks as Terraform builds them: ``dynamic`` blocks expanded (§5.2-3).

A ``dynamic "ingress"`` block whose ``for_each`` resolves to a literal list or map
stands for one ``ingress`` block per element, with the iterator (``ingress.key``,
``ingress.value`` or the custom ``iterator`` name) bound. Otherwise it stands for
its content once, marked ``dynamic=True``: attributes that use the iterator stay
unresolved expressions, while literal ones can still be judged.

Terraform also accepts a nested block written as an attribute holding a list of
objects (``ingress = [{ from_port = 22, ... }]``, "attributes as blocks"): each
object is read as one block, positioned at the attribute. ``unread_list`` tells
when such an attribute exists but does not resolve to a list of objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.terraform.model import Attribute, Block, Expr, Value, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.references import (
    MISSING,
    Lookup,
    Missing,
    substitute,
    walk,
)

__all__ = ["nested", "unread_list"]

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
    out.extend(_attribute_list(block, name, resolve, len(block.entries(name))))
    return out


def _attribute_list(block: Block, name: str, resolve: Resolve | None, offset: int) -> list[Block]:
    """``name = [{...}, ...]`` (or a single ``name = {...}``): each object as a ``name``
    block at the attribute's position."""
    attr = block.attr(name)
    if attr is None:
        return []
    # A written list or object keeps its raw values (resolved where a policy reads them,
    # as a block's are); only a reference (ingress = var.rules) is resolved here.
    raw = attr.value
    value = raw if isinstance(raw, (list, dict)) or resolve is None else resolve(raw)
    if isinstance(value, dict):
        value = [value]  # name = { ... }: one block (attributes-as-blocks syntax)
    if not isinstance(value, list):
        return []
    out: list[Block] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            continue
        attrs = {
            key: Attribute(key, val, attr.line, attr.col, attr.end_line)
            for key, val in item.items()
        }
        out.append(
            Block(
                name,
                attributes=attrs,
                line=attr.line,
                end_line=attr.end_line or attr.line,
                col=attr.col,
                path=(*block.path, name, offset + index),
            )
        )
    return out


def unread_list(owner: Block | TfResource, name: str, resolve: Resolve) -> Value | None:
    """The value of an attribute-syntax ``name = [...]`` when some of it cannot be read as
    objects (``var.rules`` without a default, a ``for`` expression); ``None`` otherwise."""
    block = owner.block if isinstance(owner, TfResource) else owner
    attr = block.attr(name)
    if attr is None:
        return None
    value = resolve(attr.value)
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return None
    return attr.value


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
