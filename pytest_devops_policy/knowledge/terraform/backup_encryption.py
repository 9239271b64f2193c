"""Are backups and snapshot copies encrypted? (TF-003)

* AWS Backup vaults encrypt recovery points with ``kms_key_arn``; without it the
  AWS-managed ``aws/backup`` key is used, which no key policy of yours controls
  and no other account can use, so copies cannot be shared for recovery.
* RDS snapshots and automated backups are encrypted exactly when the storage is
  (``encryption.db_storage_encrypted``): an unencrypted database with backups
  (retention > 0, or the default) has unencrypted backups. Replicas carry no
  backups of their own. Cross-region backup replication needs ``kms_key_id``.
* DLM cross-region copy rules and ``aws_ebs_snapshot_copy`` need
  ``encrypted = true`` to encrypt copies of unencrypted snapshots;
  ``aws_ebs_encryption_by_default`` covers a copy made in the module's own
  region (``aws_ebs_snapshot_copy``), not one made in another region (DLM).
* Cloud SQL and Azure backup vaults encrypt with a provider key; with
  ``tf.require_cmk`` they need a customer-managed one.

``BACKUP_ENCRYPTION`` maps each resource type to its check, given ``require_cmk``.
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.api import PathPart, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.encryption import (
    db_replica,
    db_storage_encrypted,
    ebs_encryption_by_default,
    gcp_cmek,
    is_set,
)
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import dotted, required_true
from pytest_devops_policy.knowledge.terraform.values import to_bool, to_number

__all__ = ["BACKUP_ENCRYPTION", "db_has_backups"]

Check = Callable[[TfResource, Module, bool], Findings]


def _key_required(
    owner: Block | TfResource, attr: str, module: Module, res: TfResource, why: str
) -> Findings:
    raw = owner.get(attr)
    path: tuple[PathPart, ...] = (*owner.path, attr)
    verdict = is_set(raw, module, res)
    if verdict is None:
        yield unknown(dotted(path), raw, module)
    elif verdict is False:
        yield Violation(f"{dotted(path)} is not set: {why}", path=path)


# --------------------------------------------------------------------------- AWS


def _aws_backup_vault(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    yield from _key_required(
        res,
        "kms_key_arn",
        module,
        res,
        "recovery points are encrypted with the AWS-managed aws/backup key, which no key "
        "policy of yours controls and which cannot be shared with a recovery account",
    )


def _aws_automated_backups_replication(
    res: TfResource, module: Module, require_cmk: bool
) -> Findings:
    yield from _key_required(
        res,
        "kms_key_id",
        module,
        res,
        "replicated automated backups of an encrypted instance need a key in the destination "
        "region, and without one an unencrypted source is copied unencrypted",
    )


def db_has_backups(res: TfResource, module: Module) -> bool | None:
    """Does an RDS instance or cluster keep automated backups? Retention > 0, or unset
    (instances get 0-1 day by default, clusters at least 1)."""
    raw = res.get("backup_retention_period")
    if raw is None:
        return True

    def positive(value: Value) -> bool | None:
        if value is None:
            return True
        number = to_number(value)
        return None if number is None else number > 0

    return module.decide(raw, positive, res)


def _aws_db(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    if res.type == "aws_db_instance":
        replica = db_replica(res, module)
        if replica is True:
            return  # a replica's backups are its source's
    else:
        replica = False
    encrypted = db_storage_encrypted(res, module)
    if encrypted is True:
        return
    backups = db_has_backups(res, module)
    if backups is False:
        return  # no automated backups to protect (TF-017 judges that)
    raw = res.get("storage_encrypted")
    if replica is None:
        yield unknown("replicate_source_db", res.get("replicate_source_db"), module)
    elif encrypted is None:
        name, value = (
            ("engine_mode", res.get("engine_mode"))
            if raw is None
            else (
                "storage_encrypted",
                raw,
            )
        )
        yield unknown(name, value, module)
    elif backups is None:
        yield unknown("backup_retention_period", res.get("backup_retention_period"), module)
    else:
        why = (
            "RDS encrypts snapshots and automated backups exactly when the storage is, so "
            "every backup of this database is unencrypted (and cannot be encrypted later "
            "without a copy and a restore)"
        )
        if raw is None:
            yield Violation(f"storage_encrypted is not set (defaults to false): {why}")
        else:
            yield Violation(
                f"storage_encrypted = {shown(raw, module)}: {why}", path=("storage_encrypted",)
            )


def _aws_dlm(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    why = "copies of unencrypted snapshots land unencrypted in the other region"
    for details in module.blocks(res, "policy_details"):
        for schedule in module.blocks(details, "schedule"):
            for rule in module.blocks(schedule, "cross_region_copy_rule"):
                yield from required_true(rule, "encrypted", module, res, why)
        for action in module.blocks(details, "action"):
            for copy in module.blocks(action, "cross_region_copy"):
                config = module.first(copy, "encryption_configuration")
                if config is None:
                    yield Violation(
                        f"cross_region_copy has no encryption_configuration: {why}",
                        path=(*copy.path, "encryption_configuration"),
                    )
                    continue
                yield from required_true(config, "encrypted", module, res, why)


def _aws_snapshot_copy(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    raw = res.get("encrypted")
    verdict = module.decide(raw, lambda v: to_bool(v, default=False), res)
    enabled, undecided = ebs_encryption_by_default(module)
    if verdict is True or enabled is True:
        return
    if verdict is None:
        yield unknown("encrypted", raw, module)
    elif undecided is not None:
        yield unknown(f"{undecided.address}.enabled", undecided.get("enabled"), module)
    else:
        state = "is not set (defaults to false)" if raw is None else f"= {shown(raw, module)}"
        yield Violation(
            f"encrypted {state} and no aws_ebs_encryption_by_default in the module turns it on: "
            "a copy of an unencrypted snapshot stays unencrypted",
            path=("encrypted",),
        )


# --------------------------------------------------------------------------- GCP


def _gcp_sql(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    if require_cmk:  # otherwise backups are Google-encrypted: PASS
        yield from gcp_cmek(res, module, "backups are")


# --------------------------------------------------------------------------- Azure


def _azure_recovery_vault(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    if not require_cmk:
        return  # encrypted by default with a Microsoft-managed key
    encryption = module.first(res, "encryption")
    why = "backups are encrypted with a Microsoft-managed key, not a customer-managed one"
    if encryption is None:
        yield Violation(f"encryption is not configured: {why} (tf.require_cmk)")
        return
    yield from _key_required(encryption, "key_id", module, res, f"{why} (tf.require_cmk)")


_VAULT_CMK = "azurerm_data_protection_backup_vault_customer_managed_key"


def _azure_data_protection_vault(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    if not require_cmk:
        return
    via = "data_protection_backup_vault_id"
    if [k for k in module.linked(res, (_VAULT_CMK,), via=via) if not k.disabled]:
        return
    opaque = module.unlinked((_VAULT_CMK,), via)
    if opaque:
        yield Unknown(f"{opaque[0].address}.{via} does not resolve to a vault of this module")
        return
    yield Violation(
        f"no {_VAULT_CMK} is attached: backups are encrypted with a Microsoft-managed key, not a "
        "customer-managed one (tf.require_cmk)"
    )


BACKUP_ENCRYPTION: dict[str, Check] = {
    "aws_backup_vault": _aws_backup_vault,
    "aws_db_instance_automated_backups_replication": _aws_automated_backups_replication,
    "aws_db_instance": _aws_db,
    "aws_rds_cluster": _aws_db,
    "aws_dlm_lifecycle_policy": _aws_dlm,
    "aws_ebs_snapshot_copy": _aws_snapshot_copy,
    "google_sql_database_instance": _gcp_sql,
    "azurerm_recovery_services_vault": _azure_recovery_vault,
    "azurerm_data_protection_backup_vault": _azure_data_protection_vault,
}
