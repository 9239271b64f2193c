"""The module of a Terraform plan JSON: every resource instance of the plan, values resolved.

A plan is one module for policies (``knowledge.terraform.module.Module``): all its resource
instances, root and child modules alike, with nothing left to resolve but what the plan
itself leaves open (values known only after apply, sensitive values:
``formats.terraform.plan``). ``PlanModule`` is a ``TfModule`` over the plan's one file, so
value resolution, candidates and tri-state verdicts are the shared ones; it differs where a
plan differs:

* ``explain`` says "known only after apply" and "sensitive in the plan";
* ``blocks`` reads nested blocks from the plan's lists of objects (and a single nested block
  rendered as an object), never twice;
* links compare full addresses (``module.db.aws_kms_key.k``), so a resource links to one in
  another module of the same plan, and an attribute already known in the plan links by equal
  value (``kms_key_id`` equal to the key's planned ``arn``);
* ``resource`` looks a resource up by its plan address.

Built once per plan file and run (``plan_index``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.formats.terraform.model import Block, Value, is_literal
from pytest_devops_policy.formats.terraform.plan import (
    AFTER_APPLY,
    SENSITIVE,
    PlanBlock,
    PlanFile,
    PlanResource,
    plan_marker,
)
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform import links
from pytest_devops_policy.knowledge.terraform.references import (
    expr_texts,
    first_unresolved,
    unresolved_texts,
)
from pytest_devops_policy.model import ParseError, Subject

__all__ = ["PlanModule", "plan_index"]


class PlanModule(TfModule):
    """All resource instances of one plan file (see the module docstring)."""

    def __init__(self, plan: PlanFile) -> None:
        super().__init__(os.path.dirname(plan.source.path), [plan])
        self.plan = plan
        self._by_address = {r.address: r for r in self.resources}

    # -- values

    def explain(self, value: Value) -> str:
        expr = first_unresolved(self.resolve(value))
        marker = plan_marker(expr) if expr is not None else ""
        if marker == SENSITIVE:
            return "sensitive in the plan"
        if marker == AFTER_APPLY:
            if expr is not None and expr.kind == "ref":
                return f"{expr.text} is known only after apply"
            return "known only after apply"
        return super().explain(value)

    def blocks(self, owner: Block | TfResource, name: str) -> list[Block]:
        block = owner.block if isinstance(owner, TfResource) else owner
        found = block.entries(name)
        if found:
            return found
        if isinstance(block, PlanBlock) and name in block.singles:
            return [block.singles[name]]
        return []

    # -- resources and links

    def resource(self, address: str) -> TfResource | None:
        return self._by_address.get(address) or super().resource(address)

    def refers_to(self, value: Value, target: TfResource, attrs: Sequence[str] = ("id",)) -> bool:
        resolved = self.resolve(value)
        if not isinstance(target, PlanResource):
            return links.refers_to(resolved, target, attrs)
        pattern = _reference(target, attrs)
        if any(pattern.search(text) for text in expr_texts(resolved)):
            return True
        # Already known in the plan: the value equals the target's planned attribute.
        known = [v for a in attrs if isinstance(v := target.get(a), str) and v]
        return bool(known) and any(k in _strings(resolved) for k in known)

    def linked(
        self,
        target: TfResource,
        types: Sequence[str],
        via: str,
        attrs: Sequence[str] = ("id",),
        name_attr: str | None = None,
    ) -> list[TfResource]:
        name: Value = self.resolve(target.get(name_attr)) if name_attr is not None else None
        out: list[TfResource] = []
        for res in self.by_type(*types):
            value = res.get(via)
            if value is None:
                continue
            if self.refers_to(value, target, attrs) or (
                isinstance(name, str) and name and self.resolve(value) == name
            ):
                out.append(res)
        return out

    def opaque(self, value: Value) -> bool:
        """A value known only after apply that names the resource it comes from is a
        reference like any other; one that names nothing (or a sensitive one) might point
        anywhere."""
        resolved = self.resolve(value)
        if is_literal(resolved):
            return False
        return not all(_ADDRESS.match(text) for text in unresolved_texts(resolved))


# A reference to a resource, in a module or not (not var., local., each., count., data.).
_ADDRESS = re.compile(
    r'(?:module\.[\w-]+(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?\.)*'
    r"(?!var\.|local\.|each\.|count\.|data\.|module\.)[a-z][a-z0-9]*_[\w-]*\.[\w-]+"
)


def _reference(target: PlanResource, attrs: Sequence[str]) -> re.Pattern[str]:
    """``<module prefix><type>.<name>[any index].<attr>`` as a reference text."""
    return re.compile(
        r"(?<![\w.\]-])"
        + re.escape(target.module_prefix + target.type + "." + target.name)
        + r"(?:\[[^\]]*\]|\.\d+)*\.(?:"
        + "|".join(re.escape(a) for a in attrs)
        + r")(?![\w-])"
    )


def _strings(value: Value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# --------------------------------------------------------------------------- the run's plans


def plan_index(subject: Subject[Any], cache: ParseCache) -> TfModule:
    """The module of the plan file the subject comes from, built once per run."""
    return cache.memo(_build, subject.source.path)


def _build(cache: ParseCache, path: str) -> TfModule:
    parsed = cache.get(path, "terraform")
    if isinstance(parsed, ParseError) or not isinstance(parsed, PlanFile):
        raise LookupError(f"{cache.relpath(path)} is not a readable Terraform plan")
    return PlanModule(parsed)
