"""TF-017 automated-backups-retained: stateful services keep automated backups long enough."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.engine.evaluate import Context
from pytest_devops_policy.formats.terraform.model import (
    Block,
    TfModule,
    TfResource,
    Value,
    hcl,
    is_literal,
)

Findings = Iterator[Violation | Unknown]

DEFAULT_MIN_DAYS = 7
_VM_TYPES = frozenset(
    {"azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine", "azurerm_virtual_machine"}
)
_TYPES = frozenset(
    {
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_docdb_cluster",
        "aws_dynamodb_table",
        "aws_elasticache_replication_group",
        "aws_efs_file_system",
        "google_sql_database_instance",
        "azurerm_postgresql_flexible_server",
        "azurerm_mysql_flexible_server",
        "azurerm_mssql_database",
    }
)


def _applies(r: TfResource) -> bool:
    if r.disabled:
        return False
    if r.type in _VM_TYPES:
        return _tagged_stateful(r.get("tags"))
    if r.type == "aws_db_instance" and r.has("replicate_source_db"):
        return False  # a read replica's data is backed up on its source instance
    if r.type == "google_sql_database_instance" and r.has("master_instance_name"):
        return False  # Cloud SQL replicas cannot have backups; the primary carries them
    return r.type in _TYPES


def _tagged_stateful(tags: Value) -> bool:
    if not isinstance(tags, dict):
        return False
    value = next((v for k, v in tags.items() if k.lower() == "stateful"), None)
    return value is True or (isinstance(value, str) and value.lower() in ("true", "yes", "1"))


@policy(
    id="TF-017",
    name="automated-backups-retained",
    title="Automated backups are enabled and retained",
    severity=Severity.HIGH,
    rationale=(
        "Without automated backups kept for at least a week, a bad migration, a deleted table or "
        "ransomware is discovered after the last restore point has expired. Point-in-time "
        "recovery and a retention window longer than the time it takes to notice a problem are "
        "what make a database change reversible."
    ),
    remediation=(
        "Set backup_retention_period >= 7 on RDS/Aurora/DocumentDB, enable DynamoDB "
        "point_in_time_recovery, set ElastiCache snapshot_retention_limit >= 1, cover EFS with "
        "AWS Backup, enable Cloud SQL backup_configuration with PITR/binary logs and >= 7 "
        "retained backups, keep Azure flexible servers and SQL databases at >= 7 days with "
        "geo-redundant backups, and restore-test them regularly."
    ),
    controls=("NIST-800-53-CP-9", "NIST-800-53-CP-10", "CIS-GCP-6.7"),
    references=(
        "checkov:CKV_AWS_133",
        "checkov:CKV_AWS_28",
        "checkov:CKV_AWS_134",
        "checkov:CKV_AWS_360",
        "checkov:CKV_AWS_361",
        "checkov:CKV2_AWS_8",
        "checkov:CKV2_AWS_9",
        "checkov:CKV_GCP_14",
        "checkov:CKV2_GCP_20",
        "checkov:CKV_AZURE_136",
        "checkov:CKV_AZURE_94",
        "checkov:CKV_AZURE_102",
        "checkov:CKV2_AZURE_12",
        "trivy:AVD-AWS-0077",
        "trivy:AVD-AWS-0024",
        "trivy:AVD-AWS-0050",
        "trivy:AVD-GCP-0024",
        "trivy:AVD-AZU-0058",
    ),
    applies=_applies,
    example="""\
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  # backup_retention_period not set: 0-1 day depending on how it was created
}
""",
    use_instead="""\
resource "aws_db_instance" "orders" {
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 14
}
""",
)
def automated_backups_retained(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    minimum = _min_days(context.option("tf.min_backup_days", DEFAULT_MIN_DAYS))
    check = _CHECKS.get(tf_resource.type)
    if tf_resource.type in _VM_TYPES:
        check = _azure_vm
    if check is not None:
        yield from check(tf_resource, module, minimum)


def _min_days(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    if isinstance(value, str) and value.strip().isdigit() and int(value) >= 1:
        return int(value)
    return DEFAULT_MIN_DAYS


# --------------------------------------------------------------------------- helpers


def _unknown(name: str, raw: Value, module: TfModule) -> Unknown:
    return Unknown(f"{name} = {hcl(raw)} ({module.explain(raw)})")


def _number(value: Value) -> float | None:
    """Terraform converts numeric strings for number arguments."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _days(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _amount(value: float, unit: str) -> str:
    return f"{_days(value)} {unit.removesuffix('s') if value == 1 else unit}"


def _dotted(path: tuple[PathPart, ...]) -> str:
    """``("settings", 0, "backup_configuration", 0, "enabled")`` ->
    ``settings.backup_configuration.enabled``."""
    return ".".join(p for p in path if isinstance(p, str))


def _retention(
    owner: Block | TfResource,
    attr: str,
    module: TfModule,
    res: TfResource,
    minimum: int,
    default: float | None,
    absent_note: str = "",
    unit: str = "days",
) -> Findings:
    """``attr`` (a number of days or snapshots) must be >= ``minimum``.

    ``default`` is what the provider uses when the attribute is absent or null;
    ``None`` means the absence itself is the finding (``absent_note`` explains).
    """
    path: tuple[PathPart, ...] = (*_path(owner), attr)
    name = _dotted(path)
    raw = owner.get(attr)
    if raw is None:  # absent, or literally null: the provider default applies
        if default is None:
            yield Violation(f"{name} is not set: {absent_note}", path=path)
        elif default < minimum:
            yield Violation(
                f"{name} is not set (defaults to {_amount(default, unit)}); the minimum is "
                f"{_amount(minimum, unit)}",
                path=path,
            )
        return

    def meets(value: Value) -> bool | None:
        if value is None:
            return default is not None and default >= minimum
        number = _number(value)
        return None if number is None else number >= minimum

    verdict = module.decide(raw, meets, res)
    if verdict is True:
        return
    if verdict is None:
        yield _unknown(name, raw, module)
        return
    failing = [c for c in module.candidates(raw, res) if is_literal(c) and meets(c) is False]
    numbers = [n for n in (_number(c) for c in failing) if n is not None]
    if not numbers:  # a variable or local that resolves to null
        note = absent_note or f"the provider default is below {_amount(minimum, unit)}"
        yield Violation(f"{name} = {hcl(raw)} resolves to null: {note}", path=path)
        return
    worst = min(numbers)
    shown = hcl(raw) if is_literal(raw) else f"{hcl(raw)} (= {_days(worst)})"
    if worst <= 0:
        yield Violation(f"{name} = {shown} disables automated backups", path=path)
    else:
        yield Violation(
            f"{name} = {shown} is below the minimum of {_amount(minimum, unit)}", path=path
        )


def _path(owner: Block | TfResource) -> tuple[PathPart, ...]:
    return owner.block.path if isinstance(owner, TfResource) else owner.path


def _flag(
    owner: Block | TfResource,
    attr: str,
    module: TfModule,
    res: TfResource,
    why: str,
    severity: Severity | None = None,
) -> Findings:
    """``attr`` must be true; absent/null counts as false."""
    raw = owner.get(attr)
    verdict = module.decide(raw, _is_true, res)
    path = (*_path(owner), attr)
    name = _dotted(path)
    if verdict is True:
        return
    if verdict is None:
        yield _unknown(name, raw, module)
    elif raw is None:
        yield Violation(
            f"{name} is not set (defaults to false): {why}", path=path, severity=severity
        )
    else:
        yield Violation(f"{name} = {hcl(raw)}: {why}", path=path, severity=severity)


def _is_true(value: Value) -> bool | None:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


# --------------------------------------------------------------------------- AWS


def _aws_db_instance(res: TfResource, module: TfModule, minimum: int) -> Findings:
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


def _aws_cluster(res: TfResource, module: TfModule, minimum: int) -> Findings:
    # Aurora and DocumentDB default to a single day of retention.
    yield from _retention(res, "backup_retention_period", module, res, minimum, 1.0)


def _aws_dynamodb(res: TfResource, module: TfModule, minimum: int) -> Findings:
    pitr = res.first("point_in_time_recovery", module)
    if pitr is None:
        yield Violation(
            "point_in_time_recovery is not configured: the table has no continuous backups",
            path=("point_in_time_recovery",),
        )
        return
    yield from _flag(pitr, "enabled", module, res, "the table has no continuous backups")
    if pitr.has("recovery_period_in_days"):
        yield from _retention(pitr, "recovery_period_in_days", module, res, minimum, 35.0)


def _aws_elasticache(res: TfResource, module: TfModule, minimum: int) -> Findings:
    # A cache is usually rebuildable, so one daily snapshot is the floor (catalog TF-017).
    yield from _retention(res, "snapshot_retention_limit", module, res, 1, 0.0)


def _aws_efs(res: TfResource, module: TfModule, minimum: int) -> Findings:
    disabled: list[str] = []
    for policy_res in module.linked(res, ("aws_efs_backup_policy",), via="file_system_id"):
        for block in policy_res.blocks("backup_policy", module):
            status = module.resolve(block.get("status"))
            if isinstance(status, str) and status.upper() == "ENABLED":
                return
            if not is_literal(status):
                yield _unknown("backup_policy.status", block.get("status"), module)
                return
            disabled.append(f"{policy_res.address} has status = {hcl(status)}")
    unresolved: list[TfResource] = []
    for selection in module.by_type("aws_backup_selection"):
        # plan_id is required by the provider, so a selection always belongs to a plan.
        covered = _selection_covers(selection, res, module)
        if covered is True:
            return
        if covered is None:
            unresolved.append(selection)
    if unresolved:
        sel = unresolved[0]
        yield _unknown(f"{sel.address}.resources", sel.get("resources"), module)
        return
    note = f" ({'; '.join(disabled)})" if disabled else ""
    yield Violation(
        "no aws_efs_backup_policy (status ENABLED) or aws_backup_plan + aws_backup_selection "
        f"covers this file system{note}",
        severity=Severity.MEDIUM,
    )


def _selection_covers(selection: TfResource, efs: TfResource, module: TfModule) -> bool | None:
    if selection.disabled:
        return False
    resources = module.resolve(selection.get("resources"))
    if module.refers_to(resources, efs, ("arn", "id")):
        return True
    items = resources if isinstance(resources, list) else [resources]
    if any(isinstance(i, str) and i.strip() in ("*", "arn:aws:elasticfilesystem:*") for i in items):
        return True
    tags = module.resolve(efs.get("tags"))
    for tag in selection.blocks("selection_tag", module):
        key, value = module.resolve(tag.get("key")), module.resolve(tag.get("value"))
        if not (isinstance(key, str) and isinstance(value, str)):
            return None
        if isinstance(tags, dict) and tags.get(key) == value:
            return True
    return None if module.opaque(resources) else False


# --------------------------------------------------------------------------- GCP


def _gcp_sql(res: TfResource, module: TfModule, minimum: int) -> Findings:
    settings = res.first("settings", module)
    backup = settings.first("backup_configuration", module) if settings is not None else None
    if settings is None or backup is None:
        where = ("settings", "backup_configuration")
        yield Violation(
            "settings.backup_configuration is missing: automated backups are off", path=where
        )
        return
    yield from _flag(backup, "enabled", module, res, "automated backups are off")
    yield from _gcp_log_recovery(res, backup, module)
    retention = backup.first("backup_retention_settings", module)
    if retention is None:
        if minimum > 7:  # the service keeps 7 backups by default
            yield Violation(
                f"backup_retention_settings is not set (7 backups kept); the minimum is {minimum}",
                path=(*backup.path, "backup_retention_settings"),
            )
        return
    unit = module.resolve(retention.get("retention_unit"))
    if unit not in (None, "COUNT"):
        yield _unknown("retention_unit", retention.get("retention_unit"), module)
        return
    yield from _retention(retention, "retained_backups", module, res, minimum, 7.0, unit="backups")


def _gcp_log_recovery(res: TfResource, backup: Block, module: TfModule) -> Findings:
    version = module.resolve(res.get("database_version"))
    pitr = module.decide(backup.get("point_in_time_recovery_enabled"), _is_true, res)
    binlog = module.decide(backup.get("binary_log_enabled"), _is_true, res)
    why = "without transaction logs, restores lose everything since the last nightly backup"
    if isinstance(version, str):
        engine = version.upper()
        if engine.startswith("POSTGRES"):
            yield from _flag(backup, "point_in_time_recovery_enabled", module, res, why)
        elif engine.startswith("MYSQL"):
            yield from _flag(backup, "binary_log_enabled", module, res, why)
        return
    if pitr is True or binlog is True:
        return
    yield _unknown("database_version", res.get("database_version"), module)


# --------------------------------------------------------------------------- Azure


def _azure_flexible(res: TfResource, module: TfModule, minimum: int) -> Findings:
    yield from _retention(res, "backup_retention_days", module, res, minimum, 7.0)
    yield from _flag(
        res,
        "geo_redundant_backup_enabled",
        module,
        res,
        "backups are lost with the region",
        severity=Severity.MEDIUM,
    )


def _azure_mssql_database(res: TfResource, module: TfModule, minimum: int) -> Findings:
    policy_block = res.first("short_term_retention_policy", module)
    if policy_block is None:
        if minimum > 7:
            yield Violation(
                f"short_term_retention_policy is not set (7 days); the minimum is {minimum} days",
                path=("short_term_retention_policy",),
            )
        return
    yield from _retention(policy_block, "retention_days", module, res, minimum, 7.0)


def _azure_vm(res: TfResource, module: TfModule, minimum: int) -> Findings:
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


_CHECKS: dict[str, Callable[[TfResource, TfModule, int], Findings]] = {
    "aws_db_instance": _aws_db_instance,
    "aws_rds_cluster": _aws_cluster,
    "aws_docdb_cluster": _aws_cluster,
    "aws_dynamodb_table": _aws_dynamodb,
    "aws_elasticache_replication_group": _aws_elasticache,
    "aws_efs_file_system": _aws_efs,
    "google_sql_database_instance": _gcp_sql,
    "azurerm_postgresql_flexible_server": _azure_flexible,
    "azurerm_mysql_flexible_server": _azure_flexible,
    "azurerm_mssql_database": _azure_mssql_database,
}
