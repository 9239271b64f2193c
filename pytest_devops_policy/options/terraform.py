"""Terraform options: ``[tool.devops-policy.tf]``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar, Literal

from pytest_devops_policy.options.spec import KindOptions, option, positive_int

__all__ = [
    "DEFAULT_ADMIN_PORTS",
    "DEFAULT_DB_PORTS",
    "DEFAULT_PUBLIC_SUBNET_TAGS",
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

# Tags that mark a subnet as the intended public tier (TF-008): "key=glob" or "key".
DEFAULT_PUBLIC_SUBNET_TAGS: tuple[str, ...] = (
    "Tier=public",
    "Name=*public*",
    "kubernetes.io/role/elb",
)


# The stateful resource set SR of catalog §5.3 (TF-014, TF-015).
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


def _ports(value: object) -> tuple[int | str, ...]:
    # What a port or range is, is Terraform network knowledge (knowledge/terraform/network.py).
    from pytest_devops_policy.knowledge.terraform.network import parse_port_range

    items = value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if parse_port_range(item) is None:
            raise ValueError(f'{item!r} is not a port or a range such as "8000-8100"')
    return tuple(items)


def _tags(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if not isinstance(item, str) or not item.partition("=")[0].strip():
            raise ValueError(f'{item!r} is not a tag such as "Tier=public" or "key"')
    return tuple(str(i) for i in items)


def _regex(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be one regular expression (a string)")
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a regular expression ({exc})") from None
    return value


def _paths(value: object) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(v, str) and v for v in items):
        raise ValueError("must be a list of paths")
    return tuple(items)


def _vars(value: object) -> Mapping[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError("must be a table of name = value")
    return MappingProxyType({str(k): str(v) for k, v in value.items()})


def _parser(value: object) -> str:
    text = value.strip().lower() if isinstance(value, str) else value
    aliases = {"treesitter": "tree-sitter", "python-hcl2": "hcl2"}
    text = aliases.get(text, text) if isinstance(text, str) else text
    if text in ("tree-sitter", "hcl2"):
        return text
    raise ValueError("must be tree-sitter or hcl2")


def _optional_major(value: object) -> int | None:
    return None if value is None else positive_int(value)


@dataclass(frozen=True)
class TfOptions(KindOptions):
    TABLE: ClassVar[str] = "tf"

    hcl_parser: Literal["tree-sitter", "hcl2"] = option(
        "tree-sitter",
        "The HCL parser: tree-sitter-hcl (fast, exact positions) or python-hcl2 (the "
        "reference, needs the test extra); also `--devops-policy-tf-parser`.",
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
        policies=("TF-006", "TF-007"),
    )
    min_backup_days: int = option(
        7,
        "The fewest days automated backups must be retained.",
        policies=("TF-017",),
        parse=positive_int,
        type_text="integer >= 1",
    )
    # -- tf-network (TF-007, TF-008, TF-004, TF-005, TF-030)
    flag_open_egress: bool = option(
        True,
        "Report egress to 0.0.0.0/0 or ::/0 on every port (medium).",
        policies=("TF-007",),
    )
    public_subnet_tags: tuple[str, ...] = option(
        DEFAULT_PUBLIC_SUBNET_TAGS,
        "Tags (`key=glob` or `key`) that mark a subnet as the public tier, where "
        "map_public_ip_on_launch is expected.",
        policies=("TF-008",),
        parse=_tags,
        type_text="list of key=glob or key",
    )
    # -- tf-crypto: TF-002, TF-003, TF-012, TF-013 (encryption, keys, rotation)
    require_cmk: bool = option(
        False,
        "Require customer-managed keys where the provider encrypts by default with its own "
        "key (S3, DynamoDB, GCP disks/buckets/Cloud SQL/BigQuery, backup vaults).",
        policies=("TF-002", "TF-003"),
    )
    max_rotation_days: int = option(
        90,
        "The longest rotation period, in days, for secrets and for GCP and Azure keys (AWS KMS "
        "keys: 365).",
        policies=("TF-012", "TF-013"),
        parse=positive_int,
        type_text="integer >= 1",
    )
    # -- TF-010 no-long-lived-credentials
    max_secret_lifetime: str = option(
        "90d",
        "The longest an Azure AD application or service principal password may live "
        '(a duration: "90d", "2160h", "12w").',
        policies=("TF-010",),
        parse=lambda value: _duration(value),
        type_text='duration such as "90d"',
    )

    # -- tf-ops (TF-020 … TF-026)
    prod_paths: str = option(
        r"(^|/)(prod|production|live)(/|$)",
        "A regular expression searched in a module's directory (relative to the rootdir) "
        "that marks it as production; tags env/environment = prod* mark it too.",
        policies=("TF-014", "TF-019", "TF-021"),
        parse=_regex,
        type_text="regex",
    )
    min_log_retention_days: int = option(
        90,
        "The fewest days logs must be kept (CloudWatch, Cloud Logging, Log Analytics, flow logs).",
        policies=("TF-024",),
        parse=positive_int,
        type_text="integer >= 1",
    )
    monitoring_external: bool = option(
        False,
        "Alerts are managed outside these modules: a service needs no alert in its module.",
        policies=("TF-023",),
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
    # -- tf-data: reliability of stateful resources (TF-014, TF-015, TF-018); prod_paths above
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
    # -- tf-tls (TF-004, TF-005, TF-030)
    azurerm_min_version: int | None = option(
        None,
        "The lowest azurerm provider major version the modules run with; unset: read from "
        "required_providers. Azure TLS defaults (storage min_tls_version, SQL server and "
        "Redis minimum_tls_version) were raised in v3/v4, so an unset value passes only then.",
        policies=("TF-005",),
        parse=_optional_major,
        type_text="integer >= 1",
    )

    # -- value resolution (§5.2-2): what `terraform plan -var-file/-var` would be given
    var_files: tuple[str, ...] = option(
        (),
        "Variable files (paths relative to the rootdir), applied after terraform.tfvars and "
        "*.auto.tfvars to every module that declares the variables they set, like "
        "`terraform plan -var-file`; also `--devops-policy-tf-var-file`.",
        parse=_paths,
        type_text="list of path",
    )
    vars: Mapping[str, str] | None = option(
        None,
        'Variable values (`{ environment = "prod" }`), applied last, like `terraform plan '
        "-var`; also `--devops-policy-tf-var NAME=VALUE`.",
        parse=_vars,
        type_text="table of string",
    )
    # -- module calls (issue 17 point 3)
    module_calls: bool = option(
        True,
        'Judge the resources that local module calls (`source = "./modules/db"`) create, '
        "with the call's arguments, as items of the calling file "
        "(`main.tf::module.db.aws_db_instance.this::TF-014`).",
    )
    # -- TF-022 audit-logging: an account trail somewhere in the repository
    require_cloudtrail: bool = option(
        False,
        "Require a CloudTrail trail: a root module with an aws provider fails when no "
        "aws_cloudtrail (an organization trail counts) is in any Terraform module under the "
        "rootdir. Off by default: trails often live in an organization's management account.",
        policies=("TF-022",),
    )


def _duration(value: object) -> str:
    from pytest_devops_policy.knowledge.terraform.credentials import parse_duration

    if isinstance(value, str) and parse_duration(value) is not None:
        return value.strip()
    raise ValueError('must be a duration such as "90d" or "2160h"')
