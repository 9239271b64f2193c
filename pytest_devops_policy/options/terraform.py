"""Terraform options: ``[tool.devops-policy.tf]``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Literal

from pytest_devops_policy.options.spec import KindOptions, option, positive_int

__all__ = [
    "DEFAULT_ADMIN_PORTS",
    "DEFAULT_DB_PORTS",
    "DEFAULT_PROD_PATHS",
    "DEFAULT_STATEFUL_TYPES",
    "TfOptions",
]

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


DEFAULT_PROD_PATHS = r"(^|/)(prod|production|live)(/|$)"
# The stateful resource set SR of catalog §5.3.
DEFAULT_STATEFUL_TYPES: tuple[str, ...] = (
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_dynamodb_table",
    "aws_s3_bucket",
    "aws_efs_file_system",
    "aws_elasticache_replication_group",
    "aws_kms_key",
    "aws_backup_vault",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_redshift_cluster",
    "google_sql_database_instance",
    "google_storage_bucket",
    "google_kms_crypto_key",
    "google_kms_key_ring",
    "google_bigquery_dataset",
    "google_spanner_database",
    "google_bigtable_instance",
    "azurerm_storage_account",
    "azurerm_mssql_server",
    "azurerm_mssql_database",
    "azurerm_postgresql_flexible_server",
    "azurerm_mysql_flexible_server",
    "azurerm_cosmosdb_account",
    "azurerm_key_vault",
)


def _regex(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be one regular expression (a string)")
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a regular expression ({exc})") from None
    return value


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
    # -- tf-data: reliability of stateful resources (TF-014, TF-015, TF-016, TF-018, TF-019)
    prod_paths: str = option(
        DEFAULT_PROD_PATHS,
        "A regex over a module's directory (relative to the rootdir) that marks it as "
        "production; env/environment = prod* tags mark single resources (catalog §5.2-10).",
        policies=("TF-014", "TF-019"),
        parse=_regex,
        type_text="regex",
    )
    stateful_types: tuple[str, ...] = option(
        DEFAULT_STATEFUL_TYPES,
        "The stateful resource types (databases, buckets, keys, vaults) that must be "
        "protected against deletion.",
        policies=("TF-014", "TF-015"),
        type_text="list of resource type",
    )
    ephemeral_paths: tuple[str, ...] = option(
        ("**/examples/**", "**/envs/dev/**"),
        "Globs (relative to the rootdir) of stacks meant to be torn down, where "
        "prevent_destroy is not required.",
        policies=("TF-015",),
        type_text="list of glob",
    )
    versioning_exempt: tuple[str, ...] = option(
        (),
        "Buckets and storage accounts that need no object versioning (log-only buckets), "
        "as globs over the resource address (aws_s3_bucket.access_logs) or the bucket name.",
        policies=("TF-018",),
        type_text="list of glob",
    )
    versioning_exempt_tags: tuple[str, ...] = option(
        ("purpose=logs",),
        "Tags or labels (key=value, case-insensitive) that exempt a bucket or storage "
        "account from object versioning.",
        policies=("TF-018",),
        type_text="list of key=value",
    )
