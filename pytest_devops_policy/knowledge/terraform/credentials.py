"""Long-lived credentials in Terraform: access keys, service account keys, client secrets.

A credential Terraform creates and stores in state (an ``aws_iam_access_key``, a
``google_service_account_key``) lives until someone deletes it; workload identity
(roles, OIDC federation, managed identities) needs none. Azure AD client secrets
at least expire: ``secret_lifetime`` reads how long one lives from its
``end_date``/``end_date_relative``, a ``timeadd(...)`` or a ``time_rotating``
resource, so TF-010 can compare it with ``tf.max_secret_lifetime``.

Durations are written the way Terraform and the option write them: ``"90d"``,
``"2160h"``, ``"1h30m"`` (``parse_duration``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from pytest_devops_policy.formats.terraform.model import Expr, Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Module, unresolved
from pytest_devops_policy.knowledge.terraform.references import first_unresolved
from pytest_devops_policy.knowledge.terraform.values import to_number

__all__ = [
    "AZUREAD_SECRET_TYPES",
    "DEFAULT_AZUREAD_SECRET_LIFETIME",
    "format_duration",
    "parse_duration",
    "parse_timestamp",
    "secret_lifetime",
]

AZUREAD_SECRET_TYPES = frozenset(
    {"azuread_application_password", "azuread_service_principal_password"}
)
# What azuread gives a password without end_date: two years.
DEFAULT_AZUREAD_SECRET_LIFETIME = timedelta(days=730)

_UNITS = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
    "s": timedelta(seconds=1),
    "ms": timedelta(milliseconds=1),
}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|w|d|h|m|s)")


def parse_duration(text: str) -> timedelta | None:
    """``"90d"``, ``"2160h"``, ``"1h30m"``, ``"12w"``: a duration; ``None`` if malformed."""
    value = text.strip().lower()
    if not value:
        return None
    total = timedelta()
    pos = 0
    for m in _PART.finditer(value):
        if m.start() != pos:
            return None
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    return total if pos == len(value) else None


def format_duration(value: timedelta) -> str:
    days = value.total_seconds() / 86400
    return f"{days:g} days" if days >= 1 else f"{value.total_seconds() / 3600:g} hours"


def parse_timestamp(value: Value) -> datetime | None:
    """An RFC 3339 timestamp (``2025-01-01T00:00:00Z``)."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


_ROTATION_UNITS = {
    "rotation_minutes": timedelta(minutes=1),
    "rotation_hours": timedelta(hours=1),
    "rotation_days": timedelta(days=1),
    "rotation_months": timedelta(days=31),
    "rotation_years": timedelta(days=366),
}


def _time_rotating(expr: Expr, module: Module) -> tuple[timedelta | None, str]:
    """``time_rotating.x.rotation_rfc3339``: the rotation period of that resource."""
    ref = expr.ref
    if len(ref) < 3 or ref[0] != "time_rotating":
        return None, ""
    target = next((r for r in module.by_type("time_rotating") if r.name == ref[1]), None)
    if target is None:
        return None, f"{expr.text} is not in this module"
    for attr, unit in _ROTATION_UNITS.items():
        if target.has(attr):
            number = to_number(module.resolve(target.get(attr)))
            if number is None:
                return None, f"{target.address}.{attr} does not resolve"
            return number * unit, ""
    if target.has("rotation_rfc3339"):
        return None, f"{target.address}.rotation_rfc3339 is a fixed date"
    return None, f"{target.address} sets no rotation period"


def secret_lifetime(res: TfResource, module: Module) -> tuple[timedelta | None, str]:
    """How long an azuread password lives, or ``(None, why it cannot be known)``.
    ``(DEFAULT_AZUREAD_SECRET_LIFETIME, "")`` when neither end date is set."""
    if res.has("end_date_relative"):
        raw = module.resolve(res.get("end_date_relative"))
        if isinstance(raw, str):
            found = parse_duration(raw)
            if found is not None:
                return found, ""
            return None, f"end_date_relative = {raw!r} is not a duration"
        return None, unresolved("end_date_relative", res.get("end_date_relative"), module)
    if not res.has("end_date") or res.get("end_date") is None:
        return DEFAULT_AZUREAD_SECRET_LIFETIME, ""
    end = module.resolve(res.get("end_date"))
    if isinstance(end, Expr) and end.kind == "call" and end.op == "timeadd" and len(end.args) == 2:
        duration = end.args[1]
        if isinstance(duration, str):
            found = parse_duration(duration)
            if found is not None:
                return found, ""
        return None, "the timeadd() duration does not resolve"
    if isinstance(end, Expr):
        inner = first_unresolved(end)
        if inner is not None and inner.kind == "ref" and inner.ref[:1] == ("time_rotating",):
            return _time_rotating(inner, module)
        return None, unresolved("end_date", res.get("end_date"), module)
    end_at = parse_timestamp(end)
    start_at = parse_timestamp(module.resolve(res.get("start_date")))
    if end_at is None:
        return None, "end_date is not an RFC 3339 timestamp"
    if start_at is None:
        return (
            None,
            "end_date is a fixed date and start_date is not set: the lifetime depends on "
            "when it is created",
        )
    return end_at - start_at, ""
