"""One attribute against one requirement: "must be true", "must be at least N".

Most Terraform policies end in such a check (backup retention, log retention,
deletion protection, rotation periods...). These apply Terraform's conversions
(``values``), the provider default when the attribute is unset, every value the
attribute may take (``Module.decide``), and phrase the finding with the
attribute's dotted name (``settings.backup_configuration.enabled``).
"""

from __future__ import annotations

from pytest_devops_policy.api import PathPart, Severity, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value, hcl, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, unknown
from pytest_devops_policy.knowledge.terraform.values import is_true, to_number

__all__ = ["amount", "at_least", "dotted", "required_true"]


def dotted(path: tuple[PathPart, ...]) -> str:
    """``("settings", 0, "backup_configuration", 0, "enabled")`` ->
    ``settings.backup_configuration.enabled``."""
    return ".".join(p for p in path if isinstance(p, str))


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def amount(value: float, unit: str) -> str:
    """``1 day``, ``14 days``, ``7 backups``."""
    return f"{_number_text(value)} {unit.removesuffix('s') if value == 1 else unit}"


def at_least(
    owner: Block | TfResource,
    attr: str,
    module: Module,
    within: TfResource,
    minimum: int,
    default: float | None,
    absent_note: str = "",
    unit: str = "days",
    at_zero: str = "",
) -> Findings:
    """``attr`` (a number of days, snapshots...) must be >= ``minimum``.

    ``default`` is what the provider uses when the attribute is absent or null;
    ``None`` means the absence itself is the finding (``absent_note`` explains).
    ``within`` is the resource whose instances the value varies over. ``at_zero``
    says what a value of 0 or less means, when that deserves its own words.
    """
    path: tuple[PathPart, ...] = (*owner.path, attr)
    name = dotted(path)
    raw = owner.get(attr)
    if raw is None:  # absent, or literally null: the provider default applies
        if default is None:
            yield Violation(f"{name} is not set: {absent_note}", path=path)
        elif default < minimum:
            yield Violation(
                f"{name} is not set (defaults to {amount(default, unit)}); the minimum is "
                f"{amount(minimum, unit)}",
                path=path,
            )
        return

    def meets(value: Value) -> bool | None:
        if value is None:
            return default is not None and default >= minimum
        number = to_number(value)
        return None if number is None else number >= minimum

    verdict = module.decide(raw, meets, within)
    if verdict is True:
        return
    if verdict is None:
        yield unknown(name, raw, module)
        return
    failing = [c for c in module.candidates(raw, within) if is_literal(c) and meets(c) is False]
    numbers = [n for n in (to_number(c) for c in failing) if n is not None]
    if not numbers:  # a variable or local that resolves to null
        note = absent_note or f"the provider default is below {amount(minimum, unit)}"
        yield Violation(f"{name} = {hcl(raw)} resolves to null: {note}", path=path)
        return
    worst = min(numbers)
    shown = hcl(raw) if is_literal(raw) else f"{hcl(raw)} (= {_number_text(worst)})"
    if worst <= 0 and at_zero:
        yield Violation(f"{name} = {shown} {at_zero}", path=path)
    else:
        yield Violation(
            f"{name} = {shown} is below the minimum of {amount(minimum, unit)}", path=path
        )


def required_true(
    owner: Block | TfResource,
    attr: str,
    module: Module,
    within: TfResource,
    why: str,
    severity: Severity | None = None,
) -> Findings:
    """``attr`` must be true; absent or null counts as false."""
    raw = owner.get(attr)
    verdict = module.decide(raw, is_true, within)
    path = (*owner.path, attr)
    name = dotted(path)
    if verdict is True:
        return
    if verdict is None:
        yield unknown(name, raw, module)
    elif raw is None:
        yield Violation(
            f"{name} is not set (defaults to false): {why}", path=path, severity=severity
        )
    else:
        yield Violation(f"{name} = {hcl(raw)}: {why}", path=path, severity=severity)
