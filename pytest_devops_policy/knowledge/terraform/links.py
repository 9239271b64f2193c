"""How Terraform resources point at each other inside a module (§5.2-4).

A bucket-level resource belongs to a bucket when its ``bucket`` argument
references ``aws_s3_bucket.x.id`` (any instance index, possibly through a local)
or names the same literal bucket name. A reference that does not resolve to
either (a variable without default, a function call) is *opaque*: it might
point anywhere, so the absence of a link is no proof.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from pytest_devops_policy.formats.terraform.model import Value, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.references import expr_texts, unresolved_texts

__all__ = ["is_opaque", "linked", "refers_to"]

# A reference to another resource (not to var., local., each. or count.).
_RESOURCE_REF = re.compile(
    r"(?<![\w.-])(?!var\.|local\.|each\.|count\.)[a-z][a-z0-9]*_[\w-]*\.[\w-]+"
)


def refers_to(resolved: Value, target: TfResource, attrs: Sequence[str] = ("id",)) -> bool:
    """Does the (resolved) value reference ``<target>.<attr>``, any instance index?"""
    pattern = re.compile(
        r"(?<![\w.-])"
        + re.escape(target.type)
        + r"\."
        + re.escape(target.name)
        + r"(?:\[[^\]]*\]|\.\d+)*\.(?:"
        + "|".join(re.escape(a) for a in attrs)
        + r")(?![\w-])"
    )
    return any(pattern.search(text) for text in expr_texts(resolved))


def is_opaque(resolved: Value) -> bool:
    """True when the (resolved) value has unresolved parts other than references to
    resources: it might point anywhere."""
    if is_literal(resolved):
        return False
    return not all(_RESOURCE_REF.match(text) for text in unresolved_texts(resolved))


def linked(
    candidates: Iterable[TfResource],
    target: TfResource,
    via: str,
    resolve: Callable[[Value], Value],
    attrs: Sequence[str] = ("id",),
    name_attr: str | None = None,
) -> list[TfResource]:
    """The ``candidates`` whose ``via`` attribute points at ``target``: by reference
    (``aws_s3_bucket.x.id``), or by an equal literal name when ``name_attr`` names
    the target's own name attribute (``bucket``)."""
    name: Value = None
    if name_attr is not None:
        name = resolve(target.get(name_attr))
    out: list[TfResource] = []
    for res in candidates:
        value = res.get(via)
        if value is None:
            continue
        resolved = resolve(value)
        if refers_to(resolved, target, attrs) or (
            isinstance(name, str) and name and resolved == name
        ):
            out.append(res)
    return out
