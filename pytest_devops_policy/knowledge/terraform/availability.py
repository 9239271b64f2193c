"""High availability of datastores: what survives the loss of one zone (TF-019).

* RDS: ``multi_az = true`` (default false) keeps a synchronous standby in another zone.
* Aurora: the cluster is as available as its instances; it needs at least two
  ``aws_rds_cluster_instance`` (by ``count``, ``for_each`` or separate blocks) pointing at
  it. A Multi-AZ DB cluster (``db_cluster_instance_class`` set) brings three instances;
  Aurora Serverless v1 (``engine_mode = "serverless"``) fails over by itself.
* ElastiCache: ``automatic_failover_enabled``, ``multi_az_enabled`` and a replica
  (``num_cache_clusters`` >= 2, or ``replicas_per_node_group`` >= 1 in cluster mode).
* Cloud SQL: ``settings.availability_type = "REGIONAL"`` (default ``ZONAL``); GKE: a
  regional ``location`` (``europe-west1``), not a zone (``europe-west1-b``).
* Azure: flexible servers ``high_availability { mode = "ZoneRedundant" }``, SQL
  databases ``zone_redundant = true`` (or an elastic pool, which carries it), storage
  accounts zone- or geo-redundant replication (LRS: low).

``HA_CHECKS`` maps each resource type to its check.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pytest_devops_policy.api import Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import required_true
from pytest_devops_policy.knowledge.terraform.values import keyword, one_of, to_number

__all__ = ["HA_CHECKS", "REDUNDANT_REPLICATION", "instance_count"]

REDUNDANT_REPLICATION = frozenset({"zrs", "grs", "ragrs", "gzrs", "ragzrs"})
_ZONE = re.compile(r"^[a-z]+-[a-z]+[0-9]+-[a-z]$")
_REGION = re.compile(r"^[a-z]+-[a-z]+[0-9]+$")
_NODE_COUNTS = ("num_cache_clusters", "number_cache_clusters")
_ONE_ZONE = "the data is unavailable when its zone fails"


def instance_count(res: TfResource, module: Module) -> int | None:
    """How many instances a resource block stands for; ``None`` if that does not resolve."""
    if res.has("count"):
        count = to_number(module.resolve(res.get("count")))
        return None if count is None else int(count)
    if res.has("for_each"):
        items = module.resolve(res.get("for_each"))
        return len(items) if isinstance(items, (list, dict)) else None
    return 1


# --------------------------------------------------------------------------- AWS


def _db_instance(res: TfResource, module: Module) -> Findings:
    yield from required_true(res, "multi_az", module, res, _ONE_ZONE)


def _aurora(res: TfResource, module: Module) -> Findings:
    if res.has("db_cluster_instance_class"):
        return  # a Multi-AZ DB cluster: one writer and two readers in three zones
    mode = module.resolve(res.get("engine_mode"))
    if keyword(mode) == "serverless":
        return  # Aurora Serverless v1 moves the cluster to another zone on failure
    members = module.linked(
        res,
        ("aws_rds_cluster_instance",),
        via="cluster_identifier",
        attrs=("id", "cluster_identifier"),
        name_attr="cluster_identifier",
    )
    total, unresolved = 0, []
    for member in members:
        n = instance_count(member, module)
        if n is None:
            unresolved.append(member)
        else:
            total += n
    if total >= 2:
        return
    if unresolved:
        member = unresolved[0]
        attr = "count" if member.has("count") else "for_each"
        yield unknown(f"{member.address}.{attr}", member.get(attr), module)
        return
    opaque = module.unlinked(("aws_rds_cluster_instance",), "cluster_identifier")
    if opaque:
        other = opaque[0]
        yield unknown(
            f"{other.address}.cluster_identifier", other.get("cluster_identifier"), module
        )
        return
    yield Violation(
        f"the cluster has {total} aws_rds_cluster_instance{'' if total == 1 else 's'}: without "
        "a second instance in another zone there is nothing to fail over to"
    )


def _elasticache(res: TfResource, module: Module) -> Findings:
    yield from required_true(
        res, "automatic_failover_enabled", module, res, "a failed primary is not replaced"
    )
    yield from required_true(res, "multi_az_enabled", module, res, _ONE_ZONE)
    # aws provider v3 spelled these number_cache_clusters and cluster_mode { ... }
    cluster_mode = module.first(res, "cluster_mode")
    owner: Block | TfResource = cluster_mode if cluster_mode is not None else res
    attr = next((a for a in _NODE_COUNTS if res.has(a)), _NODE_COUNTS[0])
    if owner.has("replicas_per_node_group"):
        attr, needed, minimum = "replicas_per_node_group", "at least 1", 1
    else:
        owner, needed, minimum = res, "at least 2", 2
    raw = owner.get(attr)
    verdict = module.decide(raw, lambda v: False if v is None else _at_least(v, minimum), res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown(attr, raw, module)
        return
    what = f"{attr} is not set (one node)" if raw is None else f"{attr} = {shown(raw, module)}"
    yield Violation(f"{what}: needs {needed}, a replica to fail over to", path=(*owner.path, attr))


def _at_least(value: Value, minimum: int) -> bool | None:
    number = to_number(value)
    return None if number is None else number >= minimum


# --------------------------------------------------------------------------- GCP


def _cloud_sql(res: TfResource, module: Module) -> Findings:
    settings = module.first(res, "settings")
    raw = settings.get("availability_type") if settings is not None else None
    verdict = module.decide(raw, one_of(frozenset({"regional"})), res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown("settings.availability_type", raw, module)
        return
    path = (*settings.path, "availability_type") if settings is not None else ("settings",)
    what = (
        'settings.availability_type is not set (defaults to "ZONAL")'
        if raw is None
        else f"settings.availability_type = {shown(raw, module)}"
    )
    yield Violation(f'{what}: {_ONE_ZONE}; use "REGIONAL"', path=path)


def _gke(res: TfResource, module: Module) -> Findings:
    raw = res.get("location")
    if raw is None:
        yield Unknown("location is not set: the provider's default region or zone applies")
        return

    def regional(value: Value) -> bool | None:
        text = keyword(value)
        if text is None:
            return None
        if _ZONE.match(text):
            return False
        return True if _REGION.match(text) else None

    verdict = module.decide(raw, regional, res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown("location", raw, module)
        return
    yield Violation(
        f"location = {shown(raw, module)} is a zone: the control plane and the nodes are lost "
        "with it; use a region",
        path=("location",),
    )


# --------------------------------------------------------------------------- Azure


def _flexible_server(res: TfResource, module: Module) -> Findings:
    block = module.first(res, "high_availability")
    raw = block.get("mode") if block is not None else None
    verdict = module.decide(raw, one_of(frozenset({"zoneredundant"})), res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown("high_availability.mode", raw, module)
        return
    if block is None:
        yield Violation(
            f'no high_availability {{ mode = "ZoneRedundant" }}: {_ONE_ZONE}',
            path=("high_availability",),
        )
        return
    yield Violation(
        f'high_availability.mode = {shown(raw, module)} (use "ZoneRedundant"): {_ONE_ZONE}',
        path=(*block.path, "mode"),
    )


def _mssql_database(res: TfResource, module: Module) -> Findings:
    if res.get("elastic_pool_id") is not None:
        return  # zone redundancy is a property of the pool
    yield from required_true(res, "zone_redundant", module, res, _ONE_ZONE)


def _storage_account(res: TfResource, module: Module) -> Findings:
    raw = res.get("account_replication_type")
    verdict = module.decide(raw, one_of(REDUNDANT_REPLICATION), res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown("account_replication_type", raw, module)
        return
    yield Violation(
        f"account_replication_type = {shown(raw, module)}: all copies are in one datacenter; "
        "use ZRS, GZRS or a geo-redundant type",
        path=("account_replication_type",),
        severity=Severity.LOW,
    )


HA_CHECKS: dict[str, Callable[[TfResource, Module], Findings]] = {
    "aws_db_instance": _db_instance,
    "aws_rds_cluster": _aurora,
    "aws_elasticache_replication_group": _elasticache,
    "google_sql_database_instance": _cloud_sql,
    "google_container_cluster": _gke,
    "azurerm_postgresql_flexible_server": _flexible_server,
    "azurerm_mysql_flexible_server": _flexible_server,
    "azurerm_mssql_database": _mssql_database,
    "azurerm_storage_account": _storage_account,
}
