"""Module calls, and the resources a local call creates, judged where the call is.

``module "db" { source = "./modules/db"  publicly_accessible = true }`` creates the child
directory's resources with the caller's arguments as the child's variables. Each of them is
a ``ModuleResource`` subject of the *calling* file, labelled with its full address
(``module.db.aws_db_instance.this``; nested calls chain: ``module.app.module.db.…``), so the
item sits next to the arguments that decide it:

* a finding on an attribute the child sets from ``var.x`` points at the argument ``x`` of
  the call (followed through nested calls); anything else points at the call's first line;
* the message says where the child resource is (``modules/db/main.tf:12``);
* inline waivers go inside the ``module`` block of the caller.

The child directory is still checked on its own too, with its variables' defaults: the
module as written and the module as used are different questions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.terraform.blocks import locate_in
from pytest_devops_policy.formats.terraform.model import Block, Expr, Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.model import Source

__all__ = ["CALL_META", "LOCAL_PREFIXES", "ModuleResource", "call_disabled", "local_source"]

# Terraform reads a source as a local path only when it starts with one of these.
LOCAL_PREFIXES = ("./", "../", ".\\", "..\\")

# Arguments of a module block that are Terraform's, not the child's variables.
CALL_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


def local_source(block: Block) -> str | None:
    """The literal local path of a ``module`` block's ``source``, else ``None``."""
    source = block.get("source")
    if isinstance(source, str) and source.startswith(LOCAL_PREFIXES):
        return source.replace("\\", "/")
    return None


def call_disabled(block: Block, resolve: Callable[[Value], Value] | None = None) -> bool:
    """``count = 0`` or an empty ``for_each`` (as ``resolve``, the caller's evaluator,
    resolves them): the call creates nothing."""
    count = block.get("count")
    for_each = block.get("for_each")
    if resolve is not None:
        count, for_each = resolve(count), resolve(for_each)
    if isinstance(count, int) and not isinstance(count, bool) and count == 0:
        return True
    return block.has("for_each") and for_each in ([], {})


class ModuleResource(TfResource):
    """A child module's resource as one call creates it (see the module docstring).

    ``chain`` holds the ``module`` blocks from the caller's (outermost, in ``source``) to the
    one that calls the resource's module; ``scope`` keys the module instance that resolves
    its values (``indexes.terraform_calls``).
    """

    key: ClassVar[str] = "tf_resource"

    def __init__(
        self,
        caller: Source,
        resource: TfResource,
        chain: tuple[Block, ...],
        scope: tuple[str, tuple[str, ...]],
        stand_in: str | None = None,
    ) -> None:
        super().__init__(caller, resource.block)
        # "the stand-in data/terraform_modules/rds" for a mapped registry module
        self.stand_in = stand_in
        self.inner = resource
        self.chain = chain
        self.scope = scope
        prefix = ".".join(f"module.{b.labels[0] if b.labels else '?'}" for b in chain)
        self.label = f"{prefix}.{resource.address}".replace("::", ":")
        self.line, self.col = chain[0].line, chain[0].col

    @property
    def call_address(self) -> str:
        return self.label[: -len(self.inner.address) - 1]

    @property
    def end_line(self) -> int:
        return self.chain[0].end_line

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        """The caller's argument that sets the attribute (through nested calls), else the
        call itself."""
        outer = self.chain[0]
        if not path or not isinstance(path[0], str):
            return (outer.line, outer.col)
        attr = self.block.attributes.get(path[0])
        name = _variable(attr.value) if attr is not None else None
        for depth in range(len(self.chain) - 1, -1, -1):
            if name is None:
                break
            arg = self.chain[depth].attributes.get(name)
            if arg is None:
                break
            if depth == 0:
                return (arg.line, arg.col)
            name = _variable(arg.value)
        return (outer.line, outer.col)

    def elsewhere(self, path: Sequence[PathPart] | None) -> str | None:
        line = locate_in(self.block, path)[0] if path else self.block.line
        if self.stand_in is not None:
            name = os.path.basename(self.inner.source.path)
            return f"{self.stand_in}/{name}:{line}"
        return f"{self.inner.source.relpath}:{line}"

    def waiver_lines(self) -> Iterable[int]:
        # Inline waivers go inside the caller's module block.
        outer = self.chain[0]
        return range(outer.line, outer.end_line + 1)


def _variable(value: Value) -> str | None:
    """``x`` for a bare ``var.x``."""
    if isinstance(value, Expr) and value.kind == "ref" and len(value.ref) == 2:
        root, name = value.ref
        if root == "var" and isinstance(name, str):
            return name
    return None
