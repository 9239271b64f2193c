"""What survives the deletion of a database: final snapshots and retained backups (TF-016).

RDS, Aurora, DocumentDB, Neptune and Redshift take a final snapshot on delete
unless ``skip_final_snapshot = true`` (default false), and need its name,
``final_snapshot_identifier``: without one, a destroy fails, and the fix applied under
pressure is usually ``skip_final_snapshot = true``. An RDS instance also purges its
automated backups on delete unless ``delete_automated_backups = false`` (default
true). ElastiCache keeps a final snapshot only when ``final_snapshot_identifier`` is
set; an Azure SQL database keeps backups beyond its deletion only through a
``long_term_retention_policy``.

``FINAL_SNAPSHOT_CHECKS`` maps each resource type to its check.
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.api import Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Expr, Template, Value, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.values import is_true, to_bool

__all__ = ["FINAL_SNAPSHOT_CHECKS", "FINAL_SNAPSHOT_TYPES", "identifier_set"]

FINAL_SNAPSHOT_TYPES = frozenset(
    {
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_docdb_cluster",
        "aws_neptune_cluster",
        "aws_redshift_cluster",
    }
)


def identifier_set(res: TfResource, attr: str, module: Module) -> bool | None:
    """Is a name argument set to something other than null/""? A template or a
    reference to another resource (``random_id.x.hex``) is a name; a variable
    without default may be null, so it is unknown."""
    raw = res.get(attr)
    if raw is None:
        return False

    def named(value: Value) -> bool | None:
        if value is None:
            return False
        if isinstance(value, str):
            return value.strip() != ""
        if isinstance(value, Template):
            return True
        return None if not is_literal(value) else True

    verdicts: list[bool | None] = []
    for candidate in module.candidates(raw, res):
        verdict = named(candidate)
        if verdict is None and isinstance(candidate, Expr) and not module.opaque(candidate):
            verdict = True  # an attribute of another resource
        verdicts.append(verdict)
    if False in verdicts:
        return False
    if None in verdicts:
        return None
    return True


def _database(res: TfResource, module: Module) -> Findings:
    skip_raw = res.get("skip_final_snapshot")
    skip = module.violates(skip_raw, is_true, res)
    if skip is True:
        yield Violation(
            f"skip_final_snapshot = {shown(skip_raw, module)}: destroy deletes the data with "
            "no final snapshot",
            path=("skip_final_snapshot",),
        )
    else:
        named = identifier_set(res, "final_snapshot_identifier", module)
        if named is False:
            # whatever skip_final_snapshot turns out to be, the outcome is bad
            raw = res.get("final_snapshot_identifier")
            what = (
                "final_snapshot_identifier is not set"
                if raw is None
                else f"final_snapshot_identifier = {shown(raw, module)} is empty"
            )
            yield Violation(
                f"{what}: destroy fails, and the usual way out under pressure is "
                "skip_final_snapshot = true",
                path=("final_snapshot_identifier",),
            )
        elif named is None:
            yield unknown("final_snapshot_identifier", res.get("final_snapshot_identifier"), module)
        elif skip is None:
            yield unknown("skip_final_snapshot", skip_raw, module)
    if res.type == "aws_db_instance":
        yield from _delete_automated_backups(res, module)


def _delete_automated_backups(res: TfResource, module: Module) -> Findings:
    raw = res.get("delete_automated_backups")

    def kept(value: Value) -> bool | None:
        deleted = to_bool(value, default=True)  # the provider default purges them
        return None if deleted is None else not deleted

    verdict = module.decide(raw, kept, res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown("delete_automated_backups", raw, module)
        return
    what = (
        "delete_automated_backups is not set (defaults to true)"
        if raw is None
        else f"delete_automated_backups = {shown(raw, module)}"
    )
    yield Violation(
        f"{what}: deleting the instance also deletes its automated backups",
        path=("delete_automated_backups",),
        severity=Severity.LOW,
    )


def _elasticache(res: TfResource, module: Module) -> Findings:
    named = identifier_set(res, "final_snapshot_identifier", module)
    if named is True:
        return
    if named is None:
        yield unknown("final_snapshot_identifier", res.get("final_snapshot_identifier"), module)
        return
    yield Violation(
        "final_snapshot_identifier is not set: deleting the replication group keeps no "
        "snapshot of its data",
        path=("final_snapshot_identifier",),
        severity=Severity.LOW,
    )


def _mssql_database(res: TfResource, module: Module) -> Findings:
    blocks = module.blocks(res, "long_term_retention_policy")
    if any(not b.dynamic for b in blocks):
        return
    if blocks:  # a dynamic block whose for_each does not resolve: maybe none
        yield Unknown("long_term_retention_policy is a dynamic block whose for_each is unresolved")
        return
    yield Violation(
        "no long_term_retention_policy: the database's backups are deleted with it after the "
        "short-term window",
        path=("long_term_retention_policy",),
        severity=Severity.LOW,
    )


FINAL_SNAPSHOT_CHECKS: dict[str, Callable[[TfResource, Module], Findings]] = {
    **{rtype: _database for rtype in sorted(FINAL_SNAPSHOT_TYPES)},
    "aws_elasticache_replication_group": _elasticache,
    "azurerm_mssql_database": _mssql_database,
}
