"""Parse a Terraform file with the HCL parser the caller names.

Two adapters build the same model (``model.py``): tree-sitter-hcl
(``hcl_treesitter.TreeSitterAdapter``, the default) and python-hcl2
(``hcl2.Hcl2Adapter``, kept as a fallback and as the oracle of the differential
tests). ``parse`` takes the choice as an argument; the run's choice is the option
``tf.hcl_parser`` (``--devops-policy-hcl-parser``), whose default ``hcl_parser_from_env``
reads from the older ``DEVOPS_POLICY_HCL_PARSER`` variable.
Adapters are imported on first use, not on import of this module, and built once
per choice (``adapter``).
"""

from __future__ import annotations

import functools
import os
from typing import Any, Protocol

from pytest_devops_policy.formats.terraform.blocks import BLOCK_TYPES, TfBlock
from pytest_devops_policy.formats.terraform.model import Attribute, Block, TfFile, assign_paths
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.model import ParseError, Source, Subject

__all__ = [
    "DEFAULT_PARSER",
    "PARSER_ENV",
    "Adapter",
    "adapter",
    "build_adapter",
    "hcl_parser_from_env",
    "make_file",
    "parse",
]

PARSER_ENV = "DEVOPS_POLICY_HCL_PARSER"
DEFAULT_PARSER = "tree-sitter"
_TREE_SITTER_PINS = "'tree-sitter>=0.24,<0.27' 'tree-sitter-hcl>=1.2,<1.3'"


class Adapter(Protocol):
    """What both HCL backends offer: a file's top-level attributes and blocks."""

    def parse(self, text: str) -> tuple[dict[str, Attribute], list[Block]]: ...


def hcl_parser_from_env() -> str:
    """The parser ``DEVOPS_POLICY_HCL_PARSER`` selects (``tree-sitter`` when unset).

    The one place the variable is read: it is the default of ``tf.hcl_parser`` (settings).
    """
    return os.environ.get(PARSER_ENV, "").strip().lower() or DEFAULT_PARSER


def parse(source: Source, parser: str = DEFAULT_PARSER) -> TfFile:
    """Parse one ``.tf`` (or ``.tfvars``) file into resources and top-level blocks."""
    attributes, blocks = adapter(parser).parse(source.text)
    return make_file(source, attributes, blocks)


def make_file(source: Source, attributes: dict[str, Attribute], blocks: list[Block]) -> TfFile:
    """A parsed file's subjects: its resources and its provider/terraform/module/variable
    blocks (``json_syntax`` builds the same from a ``.tf.json`` file)."""
    subjects: list[Subject[Any]] = []
    seen: dict[str, int] = {}
    for block in blocks:
        assign_paths(block, ())
        if block.type in BLOCK_TYPES and (block.labels or block.type == "terraform"):
            subjects.append(TfBlock(source, block))  # provider, terraform, module, variable
            continue
        if block.type != "resource" or len(block.labels) < 2:
            continue
        resource = TfResource(source, block)
        if resource.address in seen:
            raise ParseError(
                f"duplicate resource {resource.address} (first defined on line "
                f"{seen[resource.address]})",
                block.line,
                block.col,
            )
        seen[resource.address] = block.line
        subjects.append(resource)
    return TfFile(
        source=source, kind="terraform", subjects=subjects, attributes=attributes, blocks=blocks
    )


@functools.cache
def adapter(choice: str) -> Adapter:
    """The adapter for a parser choice, built once per process (``build_adapter``)."""
    return build_adapter(choice)


def build_adapter(choice: str) -> Adapter:
    """Import and build the adapter ``choice`` names; tree-sitter falls back to
    python-hcl2 when its grammar cannot load. Raises ``ParseError`` (naming what to
    install) when neither can."""
    if choice in ("hcl2", "python-hcl2"):
        try:
            from pytest_devops_policy.formats.terraform.hcl_python_hcl2 import Hcl2Adapter

            return Hcl2Adapter()
        except ImportError:
            raise ParseError(
                f"the HCL parser {choice} needs python-hcl2: pip install 'python-hcl2>=8.1,<9'"
            ) from None
    if choice not in ("tree-sitter", "treesitter"):
        raise ParseError(f"{choice!r} is not a parser: use 'tree-sitter' or 'hcl2'")
    try:
        from pytest_devops_policy.formats.terraform.hcl_treesitter import TreeSitterAdapter

        return TreeSitterAdapter()
    except (ImportError, ValueError, TypeError) as exc:  # missing, or a grammar ABI mismatch
        reason = str(exc) or type(exc).__name__
    try:
        from pytest_devops_policy.formats.terraform.hcl_python_hcl2 import Hcl2Adapter

        return Hcl2Adapter()
    except ImportError:
        raise ParseError(
            f"cannot load the Terraform parser ({reason}): pip install {_TREE_SITTER_PINS}"
        ) from None
