"""Metrics, logs and alerts of Terraform-managed services (TF-023).

Per service: RDS enhanced monitoring or Performance Insights, ECS Container
Insights (per cluster, or the account default ``aws_ecs_account_setting_default``),
load balancer access logs, EC2 detailed monitoring, Lambda X-Ray tracing, GKE
logging and monitoring (on by default; ``"none"`` or an empty component list
turns them off), AKS Container Insights (``oms_agent``; azurerm v2
``addon_profile.oms_agent.enabled``) or managed Prometheus (``monitor_metrics``).

Alerting: a module that defines a service must define at least one alert
(``ALERT_TYPES``), unless alerting is managed elsewhere (``tf.monitoring_external``).
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.api import Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import dotted, required_true
from pytest_devops_policy.knowledge.terraform.values import is_true, keyword, to_number

__all__ = ["ALERT_TYPES", "MONITORING", "SERVICE_TYPES", "alerting"]

ALERT_TYPES = (
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_composite_alarm",
    "google_monitoring_alert_policy",
    "azurerm_monitor_metric_alert",
    "azurerm_monitor_scheduled_query_rules_alert",
    "azurerm_monitor_scheduled_query_rules_alert_v2",
)
SERVICE_TYPES = frozenset(
    {
        "aws_lb",
        "aws_alb",
        "aws_elb",
        "aws_ecs_service",
        "aws_eks_cluster",
        "google_cloud_run_service",
        "google_cloud_run_v2_service",
        "google_container_cluster",
        "azurerm_linux_web_app",
        "azurerm_windows_web_app",
        "azurerm_app_service",
        "azurerm_kubernetes_cluster",
    }
)
_INSIGHTS = ("enabled", "enhanced")


# --------------------------------------------------------------------------- AWS


def _db_instance(res: TfResource, module: Module) -> Findings:
    interval_raw = res.get("monitoring_interval")

    def positive(value: Value) -> bool | None:
        if value is None:
            return False
        number = to_number(value)
        return None if number is None else number > 0

    enhanced = module.decide(interval_raw, positive, res)
    insights = module.decide(res.get("performance_insights_enabled"), is_true, res)
    if enhanced is True:
        if res.get("monitoring_role_arn") is None:
            yield Violation(
                "monitoring_interval is set but monitoring_role_arn is not: enhanced "
                "monitoring cannot publish its metrics",
                path=("monitoring_role_arn",),
            )
        return
    if insights is True:
        return
    if enhanced is None:
        yield unknown("monitoring_interval", interval_raw, module)
        return
    if insights is None:
        raw = res.get("performance_insights_enabled")
        yield unknown("performance_insights_enabled", raw, module)
        return
    now = "is not set" if interval_raw is None else f"= {shown(interval_raw, module)}"
    yield Violation(
        f"monitoring_interval {now} and Performance Insights is off: no OS or query-level "
        "metrics to diagnose a slow or failing database",
        path=("monitoring_interval",),
    )


def _insights_setting(owner: Block | TfResource, module: Module, res: TfResource) -> Block | None:
    for block in module.blocks(owner, "setting"):
        if keyword(module.resolve(block.get("name"))) == "containerinsights":
            return block
    return None


def _account_insights(module: Module) -> bool | None:
    verdict: bool | None = False
    for setting in module.by_type("aws_ecs_account_setting_default"):
        if setting.disabled:
            continue
        name = keyword(module.resolve(setting.get("name")))
        if name != "containerinsights":
            if name is None:
                verdict = None
            continue
        found = module.decide(setting.get("value"), _insights_on, setting)
        if found is True:
            return True
        if found is None:
            verdict = None
    return verdict


def _insights_on(value: Value) -> bool | None:
    text = keyword(value)
    return None if text is None else text in _INSIGHTS


def _ecs_cluster(res: TfResource, module: Module) -> Findings:
    setting = _insights_setting(res, module, res)
    if setting is None:
        account = _account_insights(module)
        if account is True:
            return
        if account is None:
            yield Unknown(
                "the cluster has no containerInsights setting, and an "
                "aws_ecs_account_setting_default of this module does not resolve"
            )
            return
        yield Violation(
            'Container Insights is off: add setting { name = "containerInsights", value = '
            '"enabled" } (or "enhanced")',
            path=("setting",),
        )
        return
    raw = setting.get("value")
    verdict = module.decide(raw, _insights_on, res)
    path = (*setting.path, "value")
    if verdict is None:
        yield unknown(dotted(path), raw, module)
    elif verdict is False:
        yield Violation(
            f"containerInsights = {shown(raw, module)}: no task- and service-level metrics",
            path=path,
        )


def _load_balancer(res: TfResource, module: Module) -> Findings:
    kind = module.resolve(res.get("load_balancer_type"))
    if isinstance(kind, str) and kind.strip().lower() == "gateway":
        return  # Gateway Load Balancers have no access logs
    logs = module.first(res, "access_logs")
    if logs is None:
        yield Violation(
            "access_logs is not set: no record of requests, clients and errors",
            path=("access_logs",),
        )
        return
    if res.type == "aws_elb":  # classic ELB: enabled defaults to true
        if module.decide(logs.get("enabled"), lambda v: v is None or is_true(v), res) is False:
            yield Violation(
                f"access_logs.enabled = {shown(logs.get('enabled'), module)}: no record of "
                "requests",
                path=(*logs.path, "enabled"),
            )
        return
    yield from required_true(logs, "enabled", module, res, "no record of requests")


def _instance(res: TfResource, module: Module) -> Findings:
    yield from required_true(
        res,
        "monitoring",
        module,
        res,
        "metrics only every 5 minutes (detailed monitoring is off)",
        severity=Severity.LOW,
    )


def _lambda(res: TfResource, module: Module) -> Findings:
    tracing = module.first(res, "tracing_config")
    if tracing is None:
        yield Violation(
            'tracing_config is not set (PassThrough): set mode = "Active" to trace requests',
            path=("tracing_config",),
            severity=Severity.LOW,
        )
        return
    raw = tracing.get("mode")
    verdict = module.decide(raw, lambda v: keyword(v) == "active" if v is not None else False, res)
    path = (*tracing.path, "mode")
    if verdict is None:
        yield unknown(dotted(path), raw, module)
    elif verdict is False:
        yield Violation(
            f"tracing_config.mode = {shown(raw, module)}: requests are not traced",
            path=path,
            severity=Severity.LOW,
        )


# --------------------------------------------------------------------------- GCP, Azure


def _gke_part(res: TfResource, module: Module, what: str) -> Findings:
    raw = res.get(f"{what}_service")

    def off(value: Value) -> bool | None:
        return value is not None and keyword(value) == "none"

    verdict = module.violates(raw, off, res)
    if verdict is True:
        yield Violation(
            f"{what}_service = {shown(raw, module)}: the cluster sends no {what} data",
            path=(f"{what}_service",),
        )
    elif verdict is None:
        yield unknown(f"{what}_service", raw, module)
    config = module.first(res, f"{what}_config")
    if config is None:
        return
    components = config.get("enable_components")
    path = (*config.path, "enable_components")
    empty = module.violates(components, lambda v: v == [], res)
    if empty is True:
        yield Violation(
            f"{what}_config.enable_components = []: the cluster sends no {what} data",
            path=path,
        )
    elif empty is None:
        yield unknown(dotted(path), components, module)


def _gke(res: TfResource, module: Module) -> Findings:
    yield from _gke_part(res, module, "logging")
    yield from _gke_part(res, module, "monitoring")


def _aks(res: TfResource, module: Module) -> Findings:
    if module.blocks(res, "oms_agent") or module.blocks(res, "monitor_metrics"):
        return
    # azurerm v2: addon_profile { oms_agent { enabled = true, ... } } (removed in v3).
    legacy = [a for p in module.blocks(res, "addon_profile") for a in module.blocks(p, "oms_agent")]
    for agent in legacy:
        raw = agent.get("enabled")
        verdict = module.decide(raw, is_true, res)
        if verdict is True:
            return
        if verdict is None:
            yield unknown(dotted((*agent.path, "enabled")), raw, module)
            return
    if legacy:
        agent = legacy[0]
        path = (*agent.path, "enabled")
        now = (
            "is not set"
            if agent.get("enabled") is None
            else f"= {shown(agent.get('enabled'), module)}"
        )
        yield Violation(
            f"{dotted(path)} {now}: Container Insights is off, and monitor_metrics (managed "
            "Prometheus) is not configured: no node, pod or control-plane metrics",
            path=path if agent.get("enabled") is not None else agent.path,
        )
        return
    yield Violation(
        "neither oms_agent (Container Insights) nor monitor_metrics (managed Prometheus) is "
        "configured: no node, pod or control-plane metrics",
    )


MONITORING: dict[str, Callable[[TfResource, Module], Findings]] = {
    "aws_db_instance": _db_instance,
    "aws_ecs_cluster": _ecs_cluster,
    "aws_lb": _load_balancer,
    "aws_alb": _load_balancer,
    "aws_instance": _instance,
    "aws_lambda_function": _lambda,
    "google_container_cluster": _gke,
    "azurerm_kubernetes_cluster": _aks,
}


def alerting(res: TfResource, module: Module) -> Findings:
    """A service with no alert in its module."""
    if any(not a.disabled for a in module.by_type(*ALERT_TYPES)):
        return
    yield Violation(
        "this module defines a service but no alert (aws_cloudwatch_metric_alarm, "
        "google_monitoring_alert_policy, azurerm_monitor_metric_alert...): nobody is told "
        "when it fails; set tf.monitoring_external = true if alerts are managed elsewhere",
        severity=Severity.MEDIUM,
    )
