"""What keeps a stateful resource from being deleted by one ``terraform destroy`` (TF-014).

Each provider guards differently, and the defaults differ:

* AWS: ``deletion_protection`` (RDS, Aurora, DocumentDB, Neptune; default false),
  ``deletion_protection_enabled`` (DynamoDB), ``enable_deletion_protection`` (load
  balancers), ``deletion_protection = "ACTIVE"`` (Cognito user pools; default
  ``INACTIVE``); ``force_destroy = true`` lets a non-empty S3 bucket be deleted; a KMS
  key is destroyed after ``deletion_window_in_days`` (7-30, default 30).
* GCP: ``deletion_protection`` defaults to true (Cloud SQL, GKE from provider 5,
  BigQuery tables, Spanner, Bigtable), so only an explicit false fails; Cloud SQL's
  API-level ``settings.deletion_protection_enabled`` also guards console and gcloud
  deletes; ``force_destroy = true`` on a bucket deletes its objects.
* Azure: no per-resource flag; an ``azurerm_management_lock`` at ``CanNotDelete``
  (or ``ReadOnly``, which also forbids deletes) on the resource, its parent server,
  its resource group or the subscription protects it (``lock_coverage``). Key vaults
  need purge protection and a soft-delete window; the provider's ``features``
  block can purge vaults on destroy or delete resource groups with their contents.

``DELETION_CHECKS`` maps each resource type with its own setting to its check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from pytest_devops_policy.api import Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.references import expr_texts, unresolved_texts
from pytest_devops_policy.knowledge.terraform.requirements import at_least, required_true
from pytest_devops_policy.knowledge.terraform.values import is_false, is_true, one_of

__all__ = [
    "DELETION_CHECKS",
    "LOCK_LEVELS",
    "azure_stateful",
    "features_findings",
    "lock_coverage",
    "resource_group_feature_set",
    "with_severity",
]

# Lock levels that forbid deleting what they cover (compared lower case).
LOCK_LEVELS = frozenset({"cannotdelete", "readonly"})

Check = Callable[[TfResource, Module], Findings]


def with_severity(findings: Iterator[Violation | Unknown], severity: Severity) -> Findings:
    """The findings, violations at ``severity`` unless they already carry a lower one."""
    for finding in findings:
        if isinstance(finding, Violation) and (
            finding.severity is None or finding.severity > severity
        ):
            finding = replace(finding, severity=severity)
        yield finding


# --------------------------------------------------------------------------- AWS


def _flag_on(attr: str, why: str, severity: Severity | None = None) -> Check:
    def check(res: TfResource, module: Module) -> Findings:
        yield from required_true(res, attr, module, res, why, severity=severity)

    return check


def _must_not_be_true(attr: str, why: str) -> Check:
    """``attr = true`` fails; absent, null or false passes."""

    def check(res: TfResource, module: Module) -> Findings:
        raw = res.get(attr)
        if raw is None:
            return
        verdict = module.violates(raw, is_true, res)
        if verdict is True:
            yield Violation(f"{attr} = {shown(raw, module)}: {why}", path=(attr,))
        elif verdict is None:
            yield unknown(attr, raw, module)

    return check


def _must_not_be_false(attr: str, why: str) -> Check:
    """The provider default is true: only an explicit false fails."""

    def check(res: TfResource, module: Module) -> Findings:
        raw = res.get(attr)
        if raw is None:
            return
        verdict = module.violates(raw, is_false, res)
        if verdict is True:
            yield Violation(f"{attr} = {shown(raw, module)}: {why}", path=(attr,))
        elif verdict is None:
            yield unknown(attr, raw, module)

    return check


def _kms_key(res: TfResource, module: Module) -> Findings:
    # A scheduled deletion can be cancelled within the window; 30 days is the maximum.
    yield from with_severity(
        at_least(res, "deletion_window_in_days", module, res, 30, 30.0), Severity.LOW
    )


def _cognito_user_pool(res: TfResource, module: Module) -> Findings:
    raw = res.get("deletion_protection")
    verdict = module.decide(raw, one_of(frozenset({"active"})), res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown("deletion_protection", raw, module)
    elif raw is None:
        yield Violation(
            'deletion_protection is not set (defaults to "INACTIVE"): the user pool and every '
            "user in it can be deleted",
            path=("deletion_protection",),
        )
    else:
        yield Violation(
            f'deletion_protection = {shown(raw, module)} (must be "ACTIVE"): the user pool '
            "and every user in it can be deleted",
            path=("deletion_protection",),
        )


# --------------------------------------------------------------------------- GCP


def _cloud_sql(res: TfResource, module: Module) -> Findings:
    yield from _must_not_be_false(
        "deletion_protection", "terraform destroy deletes the instance and its backups"
    )(res, module)
    settings = module.first(res, "settings")
    if settings is None:
        yield Violation(
            "settings.deletion_protection_enabled is not set: the instance can be deleted "
            "from the console or gcloud",
            path=("settings",),
            severity=Severity.LOW,
        )
        return
    yield from required_true(
        settings,
        "deletion_protection_enabled",
        module,
        res,
        "the instance can be deleted from the console or gcloud",
        severity=Severity.LOW,
    )


# --------------------------------------------------------------------------- Azure


def _key_vault(res: TfResource, module: Module) -> Findings:
    yield from required_true(
        res,
        "purge_protection_enabled",
        module,
        res,
        "a deleted vault and its keys can be purged before the retention period ends",
    )
    # 7-90 days; the provider default is 90.
    yield from at_least(res, "soft_delete_retention_days", module, res, 7, 90.0)


DELETION_CHECKS: dict[str, Check] = {
    **{
        rtype: _flag_on("deletion_protection", "destroy deletes the database and its data")
        for rtype in (
            "aws_db_instance",
            "aws_rds_cluster",
            "aws_docdb_cluster",
            "aws_neptune_cluster",
        )
    },
    "aws_dynamodb_table": _flag_on(
        "deletion_protection_enabled", "destroy deletes the table and its items"
    ),
    **{
        rtype: _flag_on(
            "enable_deletion_protection",
            "destroy removes the load balancer and its DNS name",
            severity=Severity.MEDIUM,
        )
        for rtype in ("aws_lb", "aws_alb")
    },
    "aws_s3_bucket": _must_not_be_true(
        "force_destroy", "destroy deletes the bucket together with every object in it"
    ),
    "aws_kms_key": _kms_key,
    "aws_cognito_user_pool": _cognito_user_pool,
    "google_sql_database_instance": _cloud_sql,
    **{
        rtype: _must_not_be_false("deletion_protection", "terraform destroy deletes it")
        for rtype in (
            "google_container_cluster",
            "google_bigquery_table",
            "google_spanner_database",
            "google_bigtable_instance",
        )
    },
    "google_storage_bucket": _must_not_be_true(
        "force_destroy", "destroy deletes the bucket together with every object in it"
    ),
    "azurerm_key_vault": _key_vault,
}


# --------------------------------------------------------------------------- Azure locks

_SUBSCRIPTION = re.compile(r"^/subscriptions/[^/]+/?$", re.IGNORECASE)
_GROUP_ID = re.compile(r"/resourcegroups/([^/]+)/?$", re.IGNORECASE)


def _ref_bases(value: Value, attr: str) -> set[str]:
    """``azurerm_resource_group.rg`` for a value holding ``azurerm_resource_group.rg.name``
    (any instance index stripped), data sources included."""
    out: set[str] = set()
    pattern = re.compile(
        r"(?<![\w.-])((?:data\.)?[a-z][a-z0-9]*_[\w-]*\.[\w-]+)(?:\[[^\]]*\])*\."
        + re.escape(attr)
        + r"(?![\w-])"
    )
    for text in expr_texts(value):
        out.update(m.group(1) for m in pattern.finditer(text))
    return out


@dataclass
class _Target:
    """What a covering lock's scope may name: resources whose ``.id`` covers the
    resource (itself, its server, its resource group), literal resource group names
    (lower case), and whether a resource group name did not resolve."""

    bases: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    group_unknown: bool = False


def _target(res: TfResource, module: Module) -> _Target:
    target = _Target(bases={res.address})
    owners = [res]
    # A database inherits its server's locks (and its server's resource group).
    if res.has("server_id"):
        server_id = module.resolve(res.get("server_id"))
        for server in module.by_type("azurerm_mssql_server"):
            if module.refers_to(server_id, server, ("id",)):
                target.bases.add(server.address)
                owners.append(server)
    for owner in owners:
        raw = owner.get("resource_group_name")
        group = module.resolve(raw)
        if isinstance(group, str):
            target.groups.add(group.lower())
            continue
        bases = _ref_bases(group, "name")
        target.bases |= bases
        if raw is not None and not bases:
            target.group_unknown = True
    for rg in module.by_type("azurerm_resource_group"):
        name = module.resolve(rg.get("name"))
        if isinstance(name, str) and name.lower() in target.groups:
            target.bases.add(rg.address)
    return target


_RESOURCE = re.compile(r"^(?:data\.)?[a-z][a-z0-9]*_[\w-]*\.[\w-]+")


def _covers(scope: Value, target: _Target) -> bool | None:
    """Does a lock's (resolved) scope cover the resource? ``None`` if it cannot be told."""
    if isinstance(scope, str):
        text = scope.strip()
        if _SUBSCRIPTION.match(text):
            return True
        found = _GROUP_ID.search(text)
        if found:
            if found.group(1).lower() in target.groups:
                return True
            return None if target.group_unknown else False
        return False  # the literal id of one resource: not this one
    refs = _ref_bases(scope, "id")
    if refs & target.bases:
        return True
    if any(r.startswith("data.azurerm_subscription.") for r in refs):
        return True
    if all(_RESOURCE.match(t) for t in unresolved_texts(scope)):
        # the id of another resource of the configuration
        if target.group_unknown and any("resource_group" in r for r in refs):
            return None
        return False
    return None


def lock_coverage(res: TfResource, module: Module) -> Findings:
    """An Azure stateful resource needs a delete lock on itself, its server, its
    resource group or the subscription."""
    target = _target(res, module)
    undecided: list[tuple[str, Value]] = []
    weak: list[str] = []
    for lock in module.by_type("azurerm_management_lock"):
        if lock.disabled:
            continue
        covered = _covers(module.resolve(lock.get("scope")), target)
        if covered is False:
            continue
        level_raw = lock.get("lock_level")
        level = module.decide(level_raw, one_of(LOCK_LEVELS), lock)
        if covered is True and level is True:
            return
        if covered is None:
            undecided.append((f"{lock.address}.scope", lock.get("scope")))
        elif level is None:
            undecided.append((f"{lock.address}.lock_level", level_raw))
        else:
            weak.append(f"{lock.address} has lock_level = {shown(level_raw, module)}")
    if undecided:
        name, raw = undecided[0]
        yield unknown(name, raw, module)
        return
    note = f" ({'; '.join(weak)})" if weak else ""
    yield Violation(
        'no azurerm_management_lock with lock_level = "CanNotDelete" covers this resource, '
        f"its resource group or the subscription{note}: one destroy deletes it and its data"
    )


# --------------------------------------------------------------------------- azurerm features


def _feature(provider: Block, group: str, attr: str) -> Value:
    for features in provider.blocks:
        if features.type != "features":
            continue
        for block in features.blocks:
            if block.type == group and block.has(attr):
                return block.get(attr)
    return None


def resource_group_feature_set(provider: Block | None) -> bool:
    """Does the azurerm provider set ``prevent_deletion_if_contains_resources``?"""
    if provider is None:
        return False
    raw = _feature(provider, "resource_group", "prevent_deletion_if_contains_resources")
    return raw is not None


def features_findings(
    res: TfResource, module: Module, provider: Block | None, where: str
) -> Findings:
    """The azurerm provider's ``features`` that undo deletion protection, as findings on
    the resources they affect: key vaults purged on destroy, resource groups deleted
    with the resources inside them. ``where`` names the provider block's file."""
    if provider is None:
        return
    line = provider.line
    at = f'provider "azurerm" ({where}:{line})'
    if res.type == "azurerm_key_vault":
        raw = _feature(provider, "key_vault", "purge_soft_delete_on_destroy")
        if raw is not None:
            verdict = module.violates(raw, is_true)
            if verdict is True:
                yield Violation(
                    f"{at} sets features.key_vault.purge_soft_delete_on_destroy = "
                    f"{shown(raw, module)}: destroy purges the vault, with no soft-delete "
                    "recovery"
                )
            elif verdict is None:
                yield unknown("features.key_vault.purge_soft_delete_on_destroy", raw, module)
    if res.type == "azurerm_resource_group":
        raw = _feature(provider, "resource_group", "prevent_deletion_if_contains_resources")
        if raw is not None:
            verdict = module.violates(raw, is_false)
            if verdict is True:
                yield Violation(
                    f"{at} sets features.resource_group.prevent_deletion_if_contains_"
                    f"resources = {shown(raw, module)}: destroying the group deletes "
                    "resources Terraform does not manage",
                    severity=Severity.MEDIUM,
                )
            elif verdict is None:
                yield unknown(
                    "features.resource_group.prevent_deletion_if_contains_resources", raw, module
                )


def azure_stateful(types: Sequence[str]) -> frozenset[str]:
    """The Azure types of the stateful set."""
    return frozenset(t for t in types if t.startswith("azurerm_"))
