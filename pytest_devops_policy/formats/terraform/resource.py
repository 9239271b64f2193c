"""The Terraform subject: one ``resource`` block, its address, and where a key path points.

Policies judge resources. A resource knows its own block only; what its values
resolve to, and which other resources it is linked to, is the module index's job
(``indexes/terraform.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.terraform.blocks import locate_in
from pytest_devops_policy.formats.terraform.model import Attribute, Block, Value
from pytest_devops_policy.model import Source, Subject

if TYPE_CHECKING:
    from pytest_devops_policy.indexes.terraform import TfModule  # noqa: F401 (a base class's type)

__all__ = ["TfResource"]


class TfResource(Subject["TfModule"]):
    """One ``resource "<type>" "<name>"`` block; its label is the address ``<type>.<name>``."""

    kind: ClassVar[str] = "terraform"
    key: ClassVar[str] = "tf_resource"

    def __init__(self, source: Source, block: Block) -> None:
        self.block = block
        self.type = block.labels[0]
        self.name = block.labels[1]
        super().__init__(source, f"{self.type}.{self.name}", block.line, block.col)

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"

    @property
    def end_line(self) -> int:
        return self.block.end_line

    @property
    def path(self) -> tuple[PathPart, ...]:
        """The key path of the resource's own block (``()``), like ``Block.path``."""
        return self.block.path

    @property
    def disabled(self) -> bool:
        """``count = 0`` or an empty literal ``for_each``: no instance exists (§5.2-6)."""
        count = self.block.get("count")
        if isinstance(count, int) and not isinstance(count, bool) and count == 0:
            return True
        for_each = self.block.get("for_each")
        return self.block.has("for_each") and for_each in ([], {})

    def get(self, name: str, default: Value = None) -> Value:
        return self.block.get(name, default)

    def has(self, name: str) -> bool:
        return self.block.has(name)

    def attr(self, name: str) -> Attribute | None:
        return self.block.attr(name)

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        """``("acl",)``, ``("lifecycle", "prevent_destroy")``, ``("ingress", 1, "cidr_blocks")``.

        Walks attributes and nested blocks; a path that leaves the source (an
        attribute that is absent) stops at the deepest block found, which is
        where the missing setting belongs.
        """
        return locate_in(self.block, path)

    def waiver_lines(self) -> Iterable[int]:
        # The catalog puts inline waivers inside the block (§5.1).
        return range(self.block.line, self.block.end_line + 1)
