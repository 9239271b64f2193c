"""How long each provider keeps logs, and its default when the configuration is silent (TF-024).

CloudWatch log groups keep events forever unless ``retention_in_days`` is set (0
also means forever: unbounded cost, and logs outlive any data-retention
promise); Cloud Logging buckets default to 30 days; Log Analytics workspaces to
30 days; NSG flow logs and activity log profiles (``azurerm_monitor_log_profile``)
keep what their ``retention_policy`` says (enabled, and days >= the minimum).

``LOG_RETENTION`` maps each resource type to its check, given the minimum number
of days (``tf.min_log_retention_days``).
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.api import Violation
from pytest_devops_policy.formats.terraform.model import Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown
from pytest_devops_policy.knowledge.terraform.requirements import at_least, required_true
from pytest_devops_policy.knowledge.terraform.values import to_number

__all__ = ["LOG_RETENTION"]


def _cloudwatch(res: TfResource, module: Module, minimum: int) -> Findings:
    raw = res.get("retention_in_days")
    if raw is None:
        yield Violation(
            "retention_in_days is not set: the log group never expires (unbounded cost, and "
            f"no retention promise holds); set it to at least {minimum}",
            path=("retention_in_days",),
        )
        return

    def forever(value: Value) -> bool | None:
        number = to_number(value)
        return None if number is None else number == 0

    if module.decide(raw, forever, res) is True:
        yield Violation(
            f"retention_in_days = {shown(raw, module)} means the log group never expires; "
            f"set it to at least {minimum}",
            path=("retention_in_days",),
        )
        return
    yield from at_least(res, "retention_in_days", module, res, minimum, None)


def _gcp_bucket(res: TfResource, module: Module, minimum: int) -> Findings:
    yield from at_least(res, "retention_days", module, res, minimum, 30.0)


def _log_analytics(res: TfResource, module: Module, minimum: int) -> Findings:
    yield from at_least(res, "retention_in_days", module, res, minimum, 30.0)


def _retention_policy(what: str) -> Callable[[TfResource, Module, int], Findings]:
    def check(res: TfResource, module: Module, minimum: int) -> Findings:
        policy = module.first(res, "retention_policy")
        if policy is None:
            yield Violation(
                f"retention_policy is not set; keep {what} at least {minimum} days",
                path=("retention_policy",),
            )
            return
        yield from required_true(policy, "enabled", module, res, "no retention is applied")
        yield from at_least(policy, "days", module, res, minimum, None, "no retention is applied")

    return check


_flow_log = _retention_policy("flow logs")


LOG_RETENTION: dict[str, Callable[[TfResource, Module, int], Findings]] = {
    "aws_cloudwatch_log_group": _cloudwatch,
    "google_logging_project_bucket_config": _gcp_bucket,
    "google_logging_folder_bucket_config": _gcp_bucket,
    "google_logging_organization_bucket_config": _gcp_bucket,
    "google_logging_billing_account_bucket_config": _gcp_bucket,
    "azurerm_log_analytics_workspace": _log_analytics,
    "azurerm_network_watcher_flow_log": _flow_log,
    # The activity log export of azurerm < 4 (log profiles are retired): same block.
    "azurerm_monitor_log_profile": _retention_policy("the activity log"),
}
