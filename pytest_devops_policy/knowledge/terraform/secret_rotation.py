"""Is each managed secret rotated, or at least set to expire? (TF-012)

* AWS Secrets Manager rotates a secret through an ``aws_secretsmanager_secret_rotation``
  whose ``secret_id`` is the secret's id/ARN or its name (``rotation_rules`` on the
  secret itself in provider v3/v4), every ``automatically_after_days`` or on a
  ``schedule_expression`` (``rate(N days)``, ``cron(...)``). RDS rotates the master
  password it manages itself (``manage_master_user_password = true``); a static
  ``password``/``master_password`` is never rotated.
* Secret Manager (GCP) needs ``rotation { rotation_period }`` and ``topics`` to
  notify the rotator.
* Key Vault secrets need an ``expiration_date``; keys need one too, plus an
  automatic ``rotation_policy`` (``rotation.azure_key_rotation``).

``SECRET_ROTATION`` maps each resource type to its check, given the longest
rotation period in days (``tf.max_rotation_days``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pytest_devops_policy.api import PathPart, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.encryption import db_replica, is_set
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import dotted
from pytest_devops_policy.knowledge.terraform.rotation import azure_key_rotation, seconds_days
from pytest_devops_policy.knowledge.terraform.values import is_true, to_number

__all__ = ["DB_PASSWORDS", "SECRET_ROTATION", "has_master_password", "rate_days"]

_ROTATION = "aws_secretsmanager_secret_rotation"
_RATE = re.compile(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)", re.IGNORECASE)
_UNIT_DAYS = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1.0}

# The static master password arguments of RDS, and the switch that hands it to RDS.
DB_PASSWORDS = ("password", "master_password", "password_wo", "master_password_wo")
_MANAGED = "manage_master_user_password"


def rate_days(expression: Value) -> float | None:
    """``rate(10 days)`` -> 10.0; ``None`` for a cron expression or anything else."""
    if not isinstance(expression, str):
        return None
    m = _RATE.fullmatch(expression.strip())
    if not m:
        return None
    return int(m.group(1)) * _UNIT_DAYS[m.group(2).lower().removesuffix("s")]


def _period(
    owner: Block, attr: str, module: Module, res: TfResource, max_days: int, days_of: Days
) -> Findings:
    raw = owner.get(attr)
    path: tuple[PathPart, ...] = (*owner.path, attr)

    def fine(value: Value) -> bool | None:
        days = days_of(value)
        return None if days is None else days <= max_days

    verdict = module.decide(raw, fine, res)
    if verdict is None:
        yield unknown(dotted(path), raw, module)
    elif verdict is False:
        yield Violation(
            f"{dotted(path)} = {shown(raw, module)}: rotated less often than every "
            f"{max_days} days (tf.max_rotation_days)",
            path=path,
        )


Days = Callable[[Value], "float | None"]


def _schedule(value: Value) -> float | None:
    if isinstance(value, str) and value.strip().lower().startswith("cron("):
        return 0.0  # a cron schedule runs at least yearly; judged as set
    return rate_days(value)


def _rotation_rules(
    owner: Block | TfResource, module: Module, res: TfResource, max_days: int
) -> Findings:
    rules = module.blocks(owner, "rotation_rules")
    if not rules:
        yield Violation("rotation_rules is not set", path=(*owner.path, "rotation_rules"))
        return
    for rule in rules:
        if rule.get("automatically_after_days") is not None:
            yield from _period(rule, "automatically_after_days", module, res, max_days, to_number)
        elif rule.get("schedule_expression") is not None:
            yield from _period(rule, "schedule_expression", module, res, max_days, _schedule)
        else:
            yield Violation(
                "rotation_rules sets neither automatically_after_days nor schedule_expression",
                path=rule.path,
            )


# --------------------------------------------------------------------------- AWS


def _aws_secret(res: TfResource, module: Module, max_days: int) -> Findings:
    if module.blocks(res, "rotation_rules"):  # provider v3/v4 inline rotation
        yield from _rotation_rules(res, module, res, max_days)
        return
    rotations = [
        r
        for r in module.linked(
            res, (_ROTATION,), via="secret_id", attrs=("id", "arn"), name_attr="name"
        )
        if not r.disabled
    ]
    if rotations:
        return  # each rotation resource's period is judged on its own item
    opaque = module.unlinked((_ROTATION,), "secret_id")
    if opaque:
        yield Unknown(f"{opaque[0].address}.secret_id does not resolve: it may rotate this secret")
        return
    yield Violation(
        f"no {_ROTATION} rotates this secret: a leaked value stays valid until someone "
        "changes it by hand"
    )


def _aws_rotation(res: TfResource, module: Module, max_days: int) -> Findings:
    yield from _rotation_rules(res, module, res, max_days)


def _aws_db(res: TfResource, module: Module, max_days: int) -> Findings:
    managed = module.decide(res.get(_MANAGED), is_true, res)
    if managed is True:
        return  # RDS stores the password in Secrets Manager and rotates it
    if managed is None:
        yield unknown(_MANAGED, res.get(_MANAGED), module)
        return
    for attr in DB_PASSWORDS:
        raw = res.get(attr)
        if raw is None:
            continue
        # A value is a static password, even when it arrives through a variable at apply time.
        nulls = [c is None for c in module.candidates(raw, res)]
        if all(nulls):
            continue
        if any(nulls):
            yield unknown(attr, raw, module)
            return
        yield Violation(
            f"{attr} is a static master password that nothing rotates; set "
            f"{_MANAGED} = true so RDS keeps it in Secrets Manager and rotates it",
            path=(attr,),
        )
        return


# --------------------------------------------------------------------------- GCP


def _gcp_secret(res: TfResource, module: Module, max_days: int) -> Findings:
    rotation = module.first(res, "rotation")
    if rotation is None:
        yield Violation(
            "rotation is not configured: the secret is never rotated", path=("rotation",)
        )
        return
    if rotation.get("rotation_period") is None:
        yield Violation(
            "rotation.rotation_period is not set: only one rotation is scheduled",
            path=(*rotation.path, "rotation_period"),
        )
    else:
        yield from _period(rotation, "rotation_period", module, res, max_days, seconds_days)
    topics = module.blocks(res, "topics")
    if not topics:
        yield Violation(
            "topics is not set: no Pub/Sub topic tells a rotator when rotation is due",
            path=("topics",),
        )


# --------------------------------------------------------------------------- Azure


def _expiration(res: TfResource, module: Module, what: str) -> Findings:
    raw = res.get("expiration_date")
    verdict = is_set(raw, module, res)
    if verdict is None:
        yield unknown("expiration_date", raw, module)
    elif verdict is False:
        yield Violation(
            f"expiration_date is not set: the {what} stays valid forever",
            path=("expiration_date",),
        )


def _azure_secret(res: TfResource, module: Module, max_days: int) -> Findings:
    yield from _expiration(res, module, "secret")


def _azure_key(res: TfResource, module: Module, max_days: int) -> Findings:
    yield from _expiration(res, module, "key")
    yield from azure_key_rotation(res, module, max_days)


SECRET_ROTATION: dict[str, Callable[[TfResource, Module, int], Findings]] = {
    "aws_secretsmanager_secret": _aws_secret,
    _ROTATION: _aws_rotation,
    "aws_db_instance": _aws_db,
    "aws_rds_cluster": _aws_db,
    "google_secret_manager_secret": _gcp_secret,
    "google_secret_manager_regional_secret": _gcp_secret,
    "azurerm_key_vault_secret": _azure_secret,
    "azurerm_key_vault_key": _azure_key,
}


def has_master_password(res: TfResource, module: Module) -> bool:
    """Does an RDS instance/cluster set a master password, or hand it to RDS? Read
    replicas have none of their own: N/A."""
    if res.type == "aws_db_instance" and db_replica(res, module) is True:
        return False
    return any(res.get(a) is not None for a in (*DB_PASSWORDS, _MANAGED))
