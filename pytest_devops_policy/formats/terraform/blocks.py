"""The Terraform block subject: the top-level blocks other than resources that policies judge.

``provider``, ``terraform`` (backend, cloud, required_providers, required_version),
``module`` calls and ``variable`` declarations are subjects of their own (policy parameter
``tf_block``). Their labels are the block's address in the module:

* ``provider "aws" { alias = "west" }`` -> ``provider.aws.west`` (``provider.aws`` without
  an alias);
* ``terraform { ... }`` -> ``terraform``;
* ``module "db" { ... }`` -> ``module.db``;
* ``variable "db_password" { ... }`` -> ``var.db_password``.

A root module without any ``terraform`` block still has settings a policy judges (TF-027:
state kept locally). Its item hangs on a *synthetic* ``terraform`` subject on line 1 of the
module's first ``.tf`` file (in name order), added by the format at run time
(``kinds.terraform.TerraformFormat.adjust``): ``infra/main.tf::terraform::TF-027``. An inline
waiver for it goes on the comment lines at the top of that file.

Inline waivers go anywhere inside the block (§5.1), as for resources.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.terraform.model import Attribute, Block, Value
from pytest_devops_policy.model import Source, Subject

if TYPE_CHECKING:
    from pytest_devops_policy.indexes.terraform import TfModule  # noqa: F401 (a base class's type)

__all__ = ["BLOCK_TYPES", "TfBlock", "locate_in"]

# The top-level block types that are ``tf_block`` subjects.
BLOCK_TYPES = frozenset({"provider", "terraform", "module", "variable"})


class TfBlock(Subject["TfModule"]):
    """One ``provider``/``terraform``/``module``/``variable`` block of a ``.tf`` file."""

    kind: ClassVar[str] = "terraform"
    key: ClassVar[str] = "tf_block"

    def __init__(self, source: Source, block: Block, synthetic: bool = False) -> None:
        self.block = block
        self.type = block.type
        self.name = block.labels[0] if block.labels else ""
        # True for the stand-in of a module that has no terraform block at all.
        self.synthetic = synthetic
        super().__init__(source, _label(block), block.line, block.col)

    @classmethod
    def module_settings(cls, source: Source) -> TfBlock:
        """The stand-in ``terraform`` block of a module that has none, on line 1."""
        return cls(source, Block("terraform", line=1, end_line=1, col=1), synthetic=True)

    @property
    def address(self) -> str:
        return self.label

    @property
    def end_line(self) -> int:
        return self.block.end_line

    @property
    def path(self) -> tuple[PathPart, ...]:
        return self.block.path

    def get(self, name: str, default: Value = None) -> Value:
        return self.block.get(name, default)

    def has(self, name: str) -> bool:
        return self.block.has(name)

    def attr(self, name: str) -> Attribute | None:
        return self.block.attr(name)

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        """``("backend", 0, "encrypt")``, ``("required_providers", 0, "aws")``, ``("source",)``."""
        return locate_in(self.block, path)

    def waiver_lines(self) -> Iterable[int]:
        return range(self.block.line, self.block.end_line + 1)


def _label(block: Block) -> str:
    if block.type == "terraform":
        return "terraform"
    name = block.labels[0] if block.labels else "?"
    if block.type == "variable":
        return f"var.{name}"
    if block.type == "provider":
        alias = block.get("alias")
        return (
            f"provider.{name}.{alias}" if isinstance(alias, str) and alias else f"provider.{name}"
        )
    return f"{block.type}.{name}"


def locate_in(block: Block, path: Sequence[PathPart]) -> tuple[int, int]:
    """Where a key path points inside ``block``: the attribute, or the deepest nested block
    found (where a missing setting belongs). ``TfResource.locate`` and the blocks' ``locate``
    both walk with it."""
    node = block
    fallback: Block | None = None  # a dynamic block's own attributes (for_each)
    pos = (node.line, node.col)
    parts = list(path)
    i = 0
    while i < len(parts):
        part = parts[i]
        if not isinstance(part, str):
            break
        attr = node.attributes.get(part)
        if attr is None and fallback is not None:
            attr = fallback.attributes.get(part)
        if attr is not None:
            return (attr.line, attr.col)
        entries = node.entries(part)
        if not entries:
            break
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        index = nxt if isinstance(nxt, int) and not isinstance(nxt, bool) else 0
        i += 2 if isinstance(nxt, int) else 1
        if not 0 <= index < len(entries):
            break
        entry = entries[index]
        pos = (entry.line, entry.col)
        fallback = None
        if entry.type == "dynamic":
            content = next((b for b in entry.blocks if b.type == "content"), None)
            if content is None:
                break
            node, fallback = content, entry
        else:
            node = entry
    return pos
