"""Terraform options: ``[tool.devops-policy.tf]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from pytest_devops_policy.options.spec import KindOptions, option, positive_int

__all__ = ["DEFAULT_ADMIN_PORTS", "DEFAULT_DB_PORTS", "TfOptions"]

DEFAULT_ADMIN_PORTS: tuple[int | str, ...] = (22, 3389, "5985-5986", "2375-2376", 6443, 10250, 23)
DEFAULT_DB_PORTS: tuple[int | str, ...] = (
    3306,
    5432,
    1433,
    1521,
    27017,
    6379,
    9200,
    5601,
    11211,
    9042,
    5984,
)


def _ports(value: object) -> tuple[int | str, ...]:
    # What a port or range is, is Terraform network knowledge (knowledge/terraform/network.py).
    from pytest_devops_policy.knowledge.terraform.network import parse_port_range

    items = value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if parse_port_range(item) is None:
            raise ValueError(f'{item!r} is not a port or a range such as "8000-8100"')
    return tuple(items)


def _parser(value: object) -> str:
    text = value.strip().lower() if isinstance(value, str) else value
    aliases = {"treesitter": "tree-sitter", "python-hcl2": "hcl2"}
    text = aliases.get(text, text) if isinstance(text, str) else text
    if text in ("tree-sitter", "hcl2"):
        return text
    raise ValueError("must be tree-sitter or hcl2")


@dataclass(frozen=True)
class TfOptions(KindOptions):
    TABLE: ClassVar[str] = "tf"

    hcl_parser: Literal["tree-sitter", "hcl2"] = option(
        "tree-sitter",
        "The HCL parser: tree-sitter-hcl (fast, exact positions) or python-hcl2 (the "
        "reference, needs the test extra); also `--devops-policy-hcl-parser`.",
        parse=_parser,
        type_text='"tree-sitter" or "hcl2"',
    )
    admin_ports: tuple[int | str, ...] = option(
        DEFAULT_ADMIN_PORTS,
        "Administration ports (and ranges) that must not be open to the internet.",
        policies=("TF-006",),
        parse=_ports,
        type_text="list of port or range",
    )
    db_ports: tuple[int | str, ...] = option(
        DEFAULT_DB_PORTS,
        "Database ports (and ranges) that must not be open to the internet.",
        policies=("TF-006",),
        parse=_ports,
        type_text="list of port or range",
    )
    dynamic_worst_case: bool = option(
        True,
        "Judge a dynamic block whose for_each cannot be resolved by its worst instance.",
        policies=("TF-006",),
    )
    min_backup_days: int = option(
        7,
        "The fewest days automated backups must be retained.",
        policies=("TF-017",),
        parse=positive_int,
        type_text="integer >= 1",
    )
    # -- module-level settings (TF-027, TF-028): tf-module
    root_modules: tuple[str, ...] = option(
        (),
        "Directories (globs relative to the rootdir, `.` for the rootdir itself) that are root "
        "modules even without a provider or backend block, also under `modules/`.",
        policies=("TF-027", "TF-028"),
        type_text="list of glob",
    )
    module_ref_policy: Literal["tag-ok", "sha-only"] = option(
        "tag-ok",
        "What a git module source's `?ref=` must be: a semver tag or a commit SHA (`tag-ok`), "
        "or a 40-hex commit SHA only (`sha-only`).",
        policies=("TF-028",),
        type_text='"tag-ok" or "sha-only"',
    )
