"""Key rotation in Terraform: periods as each provider writes them (TF-013, TF-012).

* AWS KMS rotates symmetric keys (``customer_master_key_spec`` absent or
  ``SYMMETRIC_DEFAULT``) when ``enable_key_rotation = true``, every
  ``rotation_period_in_days`` (90-2560, default 365). Asymmetric and HMAC keys,
  and keys in a custom key store (CloudHSM, external), cannot rotate
  automatically: they are exempt.
* Cloud KMS rotates ``ENCRYPT_DECRYPT`` keys (the default purpose) every
  ``rotation_period``, a duration in seconds (``"7776000s"``); other purposes
  (asymmetric, MAC, raw) cannot rotate automatically.
* Azure Key Vault rotates a key by its ``rotation_policy { automatic { ... } }``:
  ``time_after_creation``, or ``time_before_expiry`` counted back from
  ``expire_after`` (ISO 8601 durations, ``"P90D"``).

``KEY_ROTATION`` maps each key type to its check, given the longest period in
days for GCP and Azure (``tf.max_rotation_days``); ``rotation_exempt`` says
whether a key type cannot rotate automatically at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pytest_devops_policy.api import PathPart, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value, hcl
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.encryption import is_set
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import dotted, required_true
from pytest_devops_policy.knowledge.terraform.values import is_true, one_of, to_number

__all__ = [
    "AWS_MAX_ROTATION_DAYS",
    "KEY_ROTATION",
    "azure_key_rotation",
    "iso_days",
    "rotation_exempt",
    "seconds_days",
]

AWS_MAX_ROTATION_DAYS = 365  # the KMS default; longer periods are allowed but not accepted here
_DAY = 86400.0

# --------------------------------------------------------------------------- durations

_SECONDS = re.compile(r"([0-9]+(?:\.[0-9]+)?)s")
_ISO = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?"
)
_ISO_DAYS = (365.0, 30.0, 7.0, 1.0, 1 / 24, 1 / 1440, 1 / 86400)


def seconds_days(value: Value) -> float | None:
    """A Google duration (``"7776000s"``) in days; ``None`` if it is not one."""
    if not isinstance(value, str):
        return None
    m = _SECONDS.fullmatch(value.strip())
    return float(m.group(1)) / _DAY if m else None


def iso_days(value: Value) -> float | None:
    """An ISO 8601 duration (``"P90D"``, ``"P1Y"``, ``"P2M"``) in days (a year is 365 days,
    a month 30); ``None`` if it is not one."""
    if not isinstance(value, str):
        return None
    m = _ISO.fullmatch(value.strip().upper())
    if not m or not any(m.groups()):
        return None
    return sum(float(g) * unit for g, unit in zip(m.groups(), _ISO_DAYS, strict=True) if g)


def _days_text(days: float) -> str:
    return f"{int(days)}" if float(days).is_integer() else f"{days:.1f}"


# --------------------------------------------------------------------------- exemptions

_AWS_SYMMETRIC = {"symmetric_default"}
_GCP_ROTATABLE = {"encrypt_decrypt"}


def rotation_exempt(res: TfResource, module: Module) -> bool:
    """True for keys that cannot rotate automatically: asymmetric and HMAC KMS keys, keys
    in a custom key store, Cloud KMS keys whose purpose is not ENCRYPT_DECRYPT. A value
    that does not resolve is not an exemption (the check says it cannot tell)."""
    if res.type == "aws_kms_key":
        if module.decide(res.get("customer_master_key_spec"), _not(_AWS_SYMMETRIC), res):
            return True
        return is_set(res.get("custom_key_store_id"), module, res) is True
    if res.type == "google_kms_crypto_key":
        return module.decide(res.get("purpose"), _not(_GCP_ROTATABLE), res) is True
    return False


def _not(choices: set[str]) -> Callable[[Value], bool | None]:
    test = one_of(choices, absent=True)

    def other(value: Value) -> bool | None:
        verdict = test(value)
        return None if verdict is None else not verdict

    return other


def _spec_unknown(res: TfResource, module: Module, attr: str, rotatable: set[str]) -> Findings:
    """The key's type does not resolve: rotation might not apply at all."""
    raw = res.get(attr)
    if raw is not None and module.decide(raw, _not(rotatable), res) is None:
        yield unknown(attr, raw, module)


# --------------------------------------------------------------------------- AWS


def _aws_kms_key(res: TfResource, module: Module, max_days: int) -> Findings:
    rotation = module.decide(res.get("enable_key_rotation"), is_true, res)
    if rotation is not True:
        spec_unknown = list(_spec_unknown(res, module, "customer_master_key_spec", _AWS_SYMMETRIC))
        if spec_unknown:
            yield from spec_unknown
            return
        store = is_set(res.get("custom_key_store_id"), module, res)
        if store is None:
            yield unknown("custom_key_store_id", res.get("custom_key_store_id"), module)
            return
        yield from required_true(
            res,
            "enable_key_rotation",
            module,
            res,
            "the key material is never rotated, so a leaked or weakened key protects data forever",
        )
        return
    yield from _at_most(
        res,
        "rotation_period_in_days",
        module,
        res,
        AWS_MAX_ROTATION_DAYS,
        to_number,
    )


def _at_most(
    owner: Block | TfResource,
    attr: str,
    module: Module,
    res: TfResource,
    max_days: float,
    days_of: Callable[[Value], float | None],
) -> Findings:
    """An optional period attribute must be <= ``max_days`` when set."""
    raw = owner.get(attr)
    if raw is None:
        return
    path: tuple[PathPart, ...] = (*owner.path, attr)

    def fine(value: Value) -> bool | None:
        if value is None:
            return True
        days = days_of(value)
        return None if days is None else days <= max_days

    verdict = module.decide(raw, fine, res)
    if verdict is None:
        yield unknown(dotted(path), raw, module)
    elif verdict is False:
        yield Violation(
            f"{dotted(path)} = {shown(raw, module)}: keys rotate less often than every "
            f"{_days_text(max_days)} days",
            path=path,
        )


# --------------------------------------------------------------------------- GCP


def _gcp_crypto_key(res: TfResource, module: Module, max_days: int) -> Findings:
    raw = res.get("rotation_period")
    if raw is None:
        spec_unknown = list(_spec_unknown(res, module, "purpose", _GCP_ROTATABLE))
        if spec_unknown:
            yield from spec_unknown
            return
        yield Violation(
            "rotation_period is not set: the key version is never rotated automatically "
            f'(set e.g. rotation_period = "{max_days * 86400}s")'
        )
        return
    yield from _at_most(res, "rotation_period", module, res, max_days, seconds_days)


# --------------------------------------------------------------------------- Azure


def azure_key_rotation(res: TfResource, module: Module, max_days: int) -> Findings:
    """``azurerm_key_vault_key.rotation_policy { automatic { ... } }`` rotating at least
    every ``max_days`` days."""
    policy = module.first(res, "rotation_policy")
    if policy is None:
        yield Violation(
            "rotation_policy is not set: the key is never rotated automatically",
            path=("rotation_policy",),
        )
        return
    automatic = module.first(policy, "automatic")
    if automatic is None:
        yield Violation(
            "rotation_policy has no automatic block: the key is rotated only by hand",
            path=(*policy.path, "automatic"),
        )
        return
    after = automatic.get("time_after_creation")
    if after is not None:
        yield from _at_most(automatic, "time_after_creation", module, res, max_days, iso_days)
        return
    before = automatic.get("time_before_expiry")
    expire = policy.get("expire_after")
    if before is None:
        yield Violation(
            "rotation_policy.automatic sets neither time_after_creation nor time_before_expiry",
            path=automatic.path,
        )
        return
    if expire is None:
        return  # rotates before the key's own expiration_date (TF-012 requires one)
    b = [iso_days(v) for v in module.candidates(before, res)]
    e = [iso_days(v) for v in module.candidates(expire, res)]
    if None in b or None in e:
        name, raw = ("time_before_expiry", before) if None in b else ("expire_after", expire)
        yield unknown(name, raw, module)
        return
    period = max(x for x in e if x is not None) - min(x for x in b if x is not None)
    if period > max_days:
        path = (*policy.path, "expire_after")
        yield Violation(
            f"rotation_policy rotates {hcl(before)} before expire_after = {hcl(expire)}, i.e. "
            f"every {_days_text(period)} days; the maximum is {max_days}",
            path=path,
        )


KEY_ROTATION: dict[str, Callable[[TfResource, Module, int], Findings]] = {
    "aws_kms_key": _aws_kms_key,
    "google_kms_crypto_key": _gcp_crypto_key,
    "azurerm_key_vault_key": azure_key_rotation,
}
