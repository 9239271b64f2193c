"""Override files (§5.2-8): ``override.tf`` and ``*_override.tf`` merged over the module.

Terraform loads a module's override files after all its other files, in name order, and
merges each of their blocks into the block of the same type and labels:

* an argument replaces the argument of the same name;
* a nested block replaces *all* nested blocks of that type (``dynamic "x"`` counts as ``x``);
  the others stay;
* ``lifecycle`` is the exception: merged argument by argument;
* ``locals`` merge value by value, ``variable`` blocks argument by argument.

A merged resource is judged in its original file, as a ``MergedResource``: a finding on
something the override set points at the resource's first line and says where the override
is (``(at override.tf:3)``). Resources that exist only in an override file (Terraform
rejects them) stay as they are.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.terraform.blocks import locate_in
from pytest_devops_policy.formats.terraform.model import Block, entry_name
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.model import Source

__all__ = ["MergedResource", "is_override", "merge"]

_MERGED_BY_ARGUMENT = frozenset({"lifecycle"})


def is_override(path: str) -> bool:
    """``override.tf``, ``x_override.tf`` (and their ``.tf.json`` forms)."""
    name = os.path.basename(path)
    for suffix in (".tf.json", ".tf"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem == "override" or stem.endswith("_override")
    return False


def merge(base: Block, over: Block) -> tuple[Block, frozenset[str]]:
    """``base`` with ``over`` merged into it, and the names (arguments and nested block
    types) that now come from ``over``."""
    attributes = dict(base.attributes)
    attributes.update(over.attributes)
    replaced = {entry_name(b) for b in over.blocks} - _MERGED_BY_ARGUMENT
    blocks = [b for b in base.blocks if entry_name(b) not in replaced]
    for block in over.blocks:
        name = entry_name(block)
        if name in _MERGED_BY_ARGUMENT:
            index = next((i for i, b in enumerate(blocks) if b.type == name), None)
            if index is not None:
                blocks[index], _ = merge(blocks[index], block)
                continue
        blocks.append(block)
    merged = replace(base, attributes=attributes, blocks=blocks)
    return merged, frozenset(over.attributes) | {entry_name(b) for b in over.blocks}


class MergedResource(TfResource):
    """A resource with an override file's blocks merged in, judged in its own file."""

    def __init__(
        self,
        source: Source,
        block: Block,
        overridden: dict[str, Source],
    ) -> None:
        super().__init__(source, block)
        # argument or nested block type -> the override file that set it (the last one)
        self.overridden = overridden

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        if path and isinstance(path[0], str) and path[0] in self.overridden:
            return (self.block.line, self.block.col)
        return locate_in(self.block, path)

    def elsewhere(self, path: Sequence[PathPart] | None) -> str | None:
        if path and isinstance(path[0], str) and path[0] in self.overridden:
            return f"{self.overridden[path[0]].relpath}:{locate_in(self.block, path)[0]}"
        return None

    def waiver_lines(self) -> Iterable[int]:
        return range(self.block.line, self.block.end_line + 1)
