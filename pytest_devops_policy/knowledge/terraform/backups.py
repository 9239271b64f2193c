"""Automated backups of stateful services, and the provider defaults behind them (TF-017).

How each service keeps backups, and what it does when the configuration is
silent: RDS instances get 0-1 day depending on engine and creation path,
Aurora/DocumentDB 1 day, ElastiCache no snapshots, Cloud SQL 7 retained backups
once enabled, Azure PostgreSQL/MySQL servers (flexible and single) and SQL databases
7 days (read replicas, create_mode = "Replica", have none of their own). DynamoDB needs
point-in-time recovery; EFS needs a backup policy or an AWS Backup selection
(``selection_covers``); Azure VMs need a protected-VM item.

``AUTOMATED_BACKUPS`` maps each resource type to its check, given the minimum
number of days (``tf.min_backup_days``).
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.api import Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value, hcl, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, unknown, unresolved
from pytest_devops_policy.knowledge.terraform.requirements import at_least, required_true
from pytest_devops_policy.knowledge.terraform.values import is_true

__all__ = ["AUTOMATED_BACKUPS", "AZURE_VM_TYPES", "selection_covers"]

AZURE_VM_TYPES = frozenset(
    {"azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine", "azurerm_virtual_machine"}
)
_DISABLES = "disables automated backups"


def _retention(
    owner: Block | TfResource,
    attr: str,
    module: Module,
    res: TfResource,
    minimum: int,
    default: float | None,
    absent_note: str = "",
    unit: str = "days",
) -> Findings:
    yield from at_least(
        owner, attr, module, res, minimum, default, absent_note, unit, at_zero=_DISABLES
    )


# --------------------------------------------------------------------------- AWS


def _aws_db_instance(res: TfResource, module: Module, minimum: int) -> Findings:
    yield from _retention(
        res,
        "backup_retention_period",
        module,
        res,
        minimum,
        None,
        "the effective default is 0-1 day depending on engine and creation path; "
        f"set it to at least {minimum}",
    )


def _aws_cluster(res: TfResource, module: Module, minimum: int) -> Findings:
    # Aurora, DocumentDB and Neptune default to a single day of retention.
    yield from _retention(res, "backup_retention_period", module, res, minimum, 1.0)


def _aws_dynamodb(res: TfResource, module: Module, minimum: int) -> Findings:
    pitr = module.first(res, "point_in_time_recovery")
    if pitr is None:
        yield Violation(
            "point_in_time_recovery is not configured: the table has no continuous backups",
            path=("point_in_time_recovery",),
        )
        return
    yield from required_true(pitr, "enabled", module, res, "the table has no continuous backups")
    if pitr.has("recovery_period_in_days"):
        yield from _retention(pitr, "recovery_period_in_days", module, res, minimum, 35.0)


def _aws_elasticache(res: TfResource, module: Module, minimum: int) -> Findings:
    # A cache is usually rebuildable, so one daily snapshot is the floor (catalog TF-017).
    yield from _retention(res, "snapshot_retention_limit", module, res, 1, 0.0)


def _aws_efs(res: TfResource, module: Module, minimum: int) -> Findings:
    disabled: list[str] = []
    for policy_res in module.linked(res, ("aws_efs_backup_policy",), via="file_system_id"):
        for block in module.blocks(policy_res, "backup_policy"):
            status = module.resolve(block.get("status"))
            if isinstance(status, str) and status.upper() == "ENABLED":
                return
            if not is_literal(status):
                yield unknown("backup_policy.status", block.get("status"), module)
                return
            disabled.append(f"{policy_res.address} has status = {hcl(status)}")
    unresolved: list[TfResource] = []
    for selection in module.by_type("aws_backup_selection"):
        # plan_id is required by the provider, so a selection always belongs to a plan.
        covered = selection_covers(selection, res, module)
        if covered is True:
            return
        if covered is None:
            unresolved.append(selection)
    if unresolved:
        sel = unresolved[0]
        yield unknown(f"{sel.address}.resources", sel.get("resources"), module)
        return
    note = f" ({'; '.join(disabled)})" if disabled else ""
    yield Violation(
        "no aws_efs_backup_policy (status ENABLED) or aws_backup_plan + aws_backup_selection "
        f"covers this file system{note}",
        severity=Severity.MEDIUM,
    )


def selection_covers(selection: TfResource, target: TfResource, module: Module) -> bool | None:
    """Does an ``aws_backup_selection`` cover ``target``, by ARN/id reference, a wildcard
    or a ``selection_tag``? ``None`` when its resources or tags do not resolve."""
    if selection.disabled:
        return False
    resources = module.resolve(selection.get("resources"))
    if module.refers_to(resources, target, ("arn", "id")):
        return True
    items = resources if isinstance(resources, list) else [resources]
    if any(isinstance(i, str) and i.strip() in ("*", "arn:aws:elasticfilesystem:*") for i in items):
        return True
    tags = module.resolve(target.get("tags"))
    for tag in module.blocks(selection, "selection_tag"):
        key, value = module.resolve(tag.get("key")), module.resolve(tag.get("value"))
        if not (isinstance(key, str) and isinstance(value, str)):
            return None
        if isinstance(tags, dict) and tags.get(key) == value:
            return True
    return None if module.opaque(resources) else False


# --------------------------------------------------------------------------- GCP


def _gcp_sql(res: TfResource, module: Module, minimum: int) -> Findings:
    settings = module.first(res, "settings")
    backup = module.first(settings, "backup_configuration") if settings is not None else None
    if settings is None or backup is None:
        where = ("settings", "backup_configuration")
        yield Violation(
            "settings.backup_configuration is missing: automated backups are off", path=where
        )
        return
    yield from required_true(backup, "enabled", module, res, "automated backups are off")
    yield from _gcp_log_recovery(res, backup, module)
    retention = module.first(backup, "backup_retention_settings")
    if retention is None:
        if minimum > 7:  # the service keeps 7 backups by default
            yield Violation(
                f"backup_retention_settings is not set (7 backups kept); the minimum is {minimum}",
                path=(*backup.path, "backup_retention_settings"),
            )
        return
    unit = module.resolve(retention.get("retention_unit"))
    if unit not in (None, "COUNT"):
        yield unknown("retention_unit", retention.get("retention_unit"), module)
        return
    yield from _retention(retention, "retained_backups", module, res, minimum, 7.0, unit="backups")


def _gcp_log_recovery(res: TfResource, backup: Block, module: Module) -> Findings:
    """Point-in-time recovery needs transaction logs: PITR (Postgres), binary logs (MySQL)."""
    version = module.resolve(res.get("database_version"))
    pitr = module.decide(backup.get("point_in_time_recovery_enabled"), is_true, res)
    binlog = module.decide(backup.get("binary_log_enabled"), is_true, res)
    why = "without transaction logs, restores lose everything since the last nightly backup"
    if isinstance(version, str):
        engine = version.upper()
        if engine.startswith("POSTGRES"):
            yield from required_true(backup, "point_in_time_recovery_enabled", module, res, why)
        elif engine.startswith("MYSQL"):
            yield from required_true(backup, "binary_log_enabled", module, res, why)
        return
    if pitr is True or binlog is True:
        return
    yield unknown("database_version", res.get("database_version"), module)


# --------------------------------------------------------------------------- Azure


def _azure_server_backups(res: TfResource, module: Module, minimum: int) -> Findings:
    yield from _retention(res, "backup_retention_days", module, res, minimum, 7.0)
    yield from required_true(
        res,
        "geo_redundant_backup_enabled",
        module,
        res,
        "backups are lost with the region",
        severity=Severity.MEDIUM,
    )


def _azure_flexible(res: TfResource, module: Module, minimum: int) -> Findings:
    """PostgreSQL/MySQL servers, flexible and single-server (the deprecated
    azurerm_postgresql_server / azurerm_mysql_server take the same two arguments, with
    the same defaults). A read replica (create_mode = "Replica") has no backups of its
    own: its data is backed up on the source server."""
    raw = res.get("create_mode")
    replica = module.decide(raw, _is_replica_mode, res) if raw is not None else False
    if replica is True:
        return
    found = list(_azure_server_backups(res, module, minimum))
    if replica is None and any(isinstance(f, Violation) for f in found):
        first = next(f for f in found if isinstance(f, Violation))
        yield Unknown(
            f"as a primary: {first.message}; but a read replica (exempt) if "
            f'{unresolved("create_mode", raw, module)} is "Replica"'
        )
        return
    yield from found


def _is_replica_mode(value: Value) -> bool | None:
    return value.strip().lower() == "replica" if isinstance(value, str) else None


def _azure_mssql_database(res: TfResource, module: Module, minimum: int) -> Findings:
    policy_block = module.first(res, "short_term_retention_policy")
    if policy_block is None:
        if minimum > 7:
            yield Violation(
                f"short_term_retention_policy is not set (7 days); the minimum is {minimum} days",
                path=("short_term_retention_policy",),
            )
        return
    yield from _retention(policy_block, "retention_days", module, res, minimum, 7.0)


def _azure_vm(res: TfResource, module: Module, minimum: int) -> Findings:
    protected = module.linked(res, ("azurerm_backup_protected_vm",), via="source_vm_id")
    if protected:
        return
    if module.unlinked(("azurerm_backup_protected_vm",), "source_vm_id"):
        yield Unknown("an azurerm_backup_protected_vm targets an unresolved VM id")
        return
    yield Violation(
        "VM is tagged stateful but no azurerm_backup_protected_vm protects it",
        path=("tags",),
        severity=Severity.LOW,
    )


AUTOMATED_BACKUPS: dict[str, Callable[[TfResource, Module, int], Findings]] = {
    "aws_db_instance": _aws_db_instance,
    "aws_rds_cluster": _aws_cluster,
    "aws_docdb_cluster": _aws_cluster,
    "aws_neptune_cluster": _aws_cluster,  # same argument and one-day default as Aurora
    "aws_dynamodb_table": _aws_dynamodb,
    "aws_elasticache_replication_group": _aws_elasticache,
    "aws_efs_file_system": _aws_efs,
    "google_sql_database_instance": _gcp_sql,
    "azurerm_postgresql_flexible_server": _azure_flexible,
    "azurerm_mysql_flexible_server": _azure_flexible,
    "azurerm_postgresql_server": _azure_flexible,
    "azurerm_mysql_server": _azure_flexible,
    "azurerm_mssql_database": _azure_mssql_database,
    **{vm_type: _azure_vm for vm_type in AZURE_VM_TYPES},
}
