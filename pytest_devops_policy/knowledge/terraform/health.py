"""Health checks of load-balanced and managed compute, per provider (TF-020).

A load balancer, scaling group or orchestrator replaces or routes around an
instance only when it can tell that the instance is unhealthy: target groups
need an explicit HTTP health check, Auto Scaling groups behind a load balancer
need the ELB health check type, ECS services a grace period, Route 53 failover
records a health check, GCP backend services health checks and managed instance
groups auto-healing, Azure load balancer rules a probe, and App Services and
container apps their health endpoints and probes.

``HEALTH_CHECKS`` maps each resource type to its check; ``applies_to`` says
whether a resource of such a type is subject to it at all (an ASG with no load
balancer, a Route 53 record without failover routing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value, hcl, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.iam import read_document
from pytest_devops_policy.knowledge.terraform.links import refers_to
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import dotted
from pytest_devops_policy.knowledge.terraform.values import is_false, keyword, to_bool

__all__ = ["ASG_ATTACHMENTS", "HEALTH_CHECKS", "applies_to", "asg_load_balanced"]

ASG_ATTACHMENTS = ("aws_autoscaling_attachment", "aws_autoscaling_traffic_source_attachment")
_UNNOTICED = "an unhealthy instance keeps receiving traffic"


def _set(
    owner: Block | TfResource, attr: str, module: Module, res: TfResource, why: str
) -> Findings:
    """``attr`` must be set to a non-empty value."""
    path: tuple[PathPart, ...] = (*owner.path, attr)
    raw = owner.get(attr)

    def present(value: Value) -> bool | None:
        return value not in (None, "", [], {})

    verdict = module.decide(raw, present, res)
    if verdict is True:
        return
    if verdict is None:
        # a reference to another resource (a probe id, a health check) is set
        if raw is not None and not is_literal(module.resolve(raw)) and not module.opaque(raw):
            return
        yield unknown(dotted(path), raw, module)
    elif raw is None:
        yield Violation(f"{dotted(path)} is not set: {why}", path=path)
    else:
        yield Violation(f"{dotted(path)} = {shown(raw, module)} is empty: {why}", path=path)


def _protocols(raw: Value, module: Module, res: TfResource) -> set[str] | None:
    found: set[str] = set()
    for candidate in module.candidates(raw, res):
        if candidate is None:
            found.add("")
        elif isinstance(candidate, str):
            found.add(candidate.strip().upper())
        else:
            return None
    return found


# --------------------------------------------------------------------------- AWS


def _target_group(res: TfResource, module: Module) -> Findings:
    protocols = _protocols(res.get("protocol"), module, res)
    if protocols is not None and not protocols & {"HTTP", "HTTPS"}:
        return  # TCP/TLS/UDP/GENEVE target groups, and Lambda targets (no protocol)
    findings = list(_http_health_check(res, module))
    if not findings:
        return
    if protocols is None:
        yield unknown("protocol", res.get("protocol"), module)
        return
    yield from findings


def _http_health_check(res: TfResource, module: Module) -> Findings:
    check = module.first(res, "health_check")
    if check is None:
        yield Violation(
            "health_check is not set: the default checks GET / for a 200, which rarely "
            "proves the application works; set health_check { path, matcher }",
            path=("health_check",),
        )
        return
    off = module.decide(check.get("enabled"), is_false, res)
    if off is True:
        yield Violation(
            f"health_check.enabled = {shown(check.get('enabled'), module)}: " + _UNNOTICED,
            path=(*check.path, "enabled"),
        )
        return
    if off is None:
        yield unknown("health_check.enabled", check.get("enabled"), module)
        return
    protocols = _protocols(check.get("protocol"), module, res)
    if protocols is not None and not protocols & {"", "HTTP", "HTTPS"}:
        return  # a TCP health check has no path or matcher
    why = "the health check does not prove the application answers correctly"
    yield from _set(check, "path", module, res, why)
    yield from _set(check, "matcher", module, res, why)


def asg_load_balanced(res: TfResource, module: Module) -> bool | None:
    """Does a load balancer send traffic to the group (``target_group_arns``,
    ``load_balancers``, ``traffic_source`` or an attachment resource)?"""
    verdict: bool | None = False
    for attr in ("target_group_arns", "load_balancers"):
        raw = res.get(attr)
        if raw is None:
            continue
        resolved = module.resolve(raw)
        if isinstance(resolved, list) and resolved:
            return True
        if not is_literal(resolved):
            verdict = None
    if module.blocks(res, "traffic_source"):
        return True
    for attachment in module.by_type(*ASG_ATTACHMENTS):
        if attachment.disabled:
            continue
        target = module.resolve(attachment.get("autoscaling_group_name"))
        if refers_to(target, res, ("name", "id")):
            return True
        name = module.resolve(res.get("name"))
        if isinstance(name, str) and target == name:
            return True
    return verdict


def _autoscaling_group(res: TfResource, module: Module) -> Findings:
    balanced = asg_load_balanced(res, module)
    if balanced is False:
        return
    raw = res.get("health_check_type")

    def elb(value: Value) -> bool | None:
        if value is None:
            return False  # EC2: only the instance status checks
        text = keyword(value)
        return None if text is None else text in ("elb", "vpc_lattice")

    verdict = module.decide(raw, elb, res)
    findings: list[Violation | Unknown] = []
    if verdict is None:
        findings.append(unknown("health_check_type", raw, module))
    elif verdict is False:
        now = "is not set (defaults to EC2)" if raw is None else f"= {shown(raw, module)}"
        findings.append(
            Violation(
                f"health_check_type {now}: instances the load balancer finds unhealthy are "
                'never replaced; set health_check_type = "ELB"',
                path=("health_check_type",),
            )
        )
    if res.get("health_check_grace_period") is None:
        findings.append(
            Violation(
                "health_check_grace_period is not set: set it to how long an instance needs "
                "to start, so booting instances are not replaced too early",
                path=("health_check_grace_period",),
            )
        )
    if balanced is None and findings:
        name = "target_group_arns" if res.has("target_group_arns") else "load_balancers"
        yield unknown(name, res.get(name), module)
        return
    yield from findings


def _ecs_service(res: TfResource, module: Module) -> Findings:
    if not module.blocks(res, "load_balancer"):
        return
    yield from _set(
        res,
        "health_check_grace_period_seconds",
        module,
        res,
        "slow-starting tasks are killed by load balancer health checks before they are ready",
    )


def _container_names(containers: Any) -> list[str]:
    return [
        str(c.get("name")) if isinstance(c, dict) and isinstance(c.get("name"), str) else f"#{i}"
        for i, c in enumerate(containers)
    ]


def _ecs_task_definition(res: TfResource, module: Module) -> Findings:
    raw = res.get("container_definitions")
    if raw is None:
        return
    containers = read_document(module.resolve(raw))
    if not isinstance(containers, list):
        yield unknown("container_definitions", raw, module)
        return
    missing: list[str] = []
    for name, container in zip(_container_names(containers), containers, strict=True):
        if not isinstance(container, dict):
            yield unknown("container_definitions", raw, module)
            return
        essential = container.get("essential")
        if is_literal(essential) and to_bool(essential, default=True) is False:
            continue  # a sidecar the task survives without
        if not container.get("healthCheck"):
            missing.append(name)
    if missing:
        yield Violation(
            f"container_definitions: essential container(s) {', '.join(missing)} have no "
            "healthCheck: ECS only notices a crashed process, not a hung one",
            path=("container_definitions",),
            severity=Severity.LOW,
        )


def _route53_record(res: TfResource, module: Module) -> Findings:
    if not module.blocks(res, "failover_routing_policy"):
        return
    if res.get("health_check_id") is not None:
        yield from _set(res, "health_check_id", module, res, "failover never happens")
        return
    for alias in module.blocks(res, "alias"):
        if module.decide(alias.get("evaluate_target_health"), lambda v: to_bool(v, False), res):
            return  # the alias target's own health decides
    yield Violation(
        "failover record without health_check_id (or an alias with evaluate_target_health "
        "= true): Route 53 never fails over",
        path=("health_check_id",),
    )


# --------------------------------------------------------------------------- GCP

_NO_HEALTH_CHECK_NEGS = {"SERVERLESS", "INTERNET_FQDN_PORT", "INTERNET_IP_PORT"}
_NEG_TYPES = (
    "google_compute_region_network_endpoint_group",
    "google_compute_global_network_endpoint_group",
    "google_compute_network_endpoint_group",
)


def _serverless_backends(res: TfResource, module: Module) -> bool:
    """Every backend is a serverless or internet NEG, which take no health checks."""
    backends = module.blocks(res, "backend")
    if not backends:
        return False
    for backend in backends:
        group = backend.get("group")
        neg = next(
            (
                n
                for n in module.by_type(*_NEG_TYPES)
                if refers_to(module.resolve(group), n, ("id", "self_link"))
            ),
            None,
        )
        if neg is None:
            return False
        kind = keyword(module.resolve(neg.get("network_endpoint_type")))
        serverless = any(
            module.blocks(neg, b) for b in ("cloud_run", "cloud_function", "app_engine")
        )
        if not (serverless or (kind is not None and kind.upper() in _NO_HEALTH_CHECK_NEGS)):
            return False
    return True


def _backend_service(res: TfResource, module: Module) -> Findings:
    if _serverless_backends(res, module):
        return
    yield from _set(res, "health_checks", module, res, "traffic is sent to backends that are down")


def _instance_group_manager(res: TfResource, module: Module) -> Findings:
    policies = module.blocks(res, "auto_healing_policies")
    if not policies:
        yield Violation(
            "auto_healing_policies is not set: instances whose application fails are never "
            "recreated",
            path=("auto_healing_policies",),
        )
        return
    for block in policies:
        yield from _set(block, "health_check", module, res, "auto-healing has nothing to act on")


def _probes(
    res: TfResource,
    module: Module,
    containers: list[Block],
    probes: tuple[str, ...],
    severity: Severity | None,
) -> Findings:
    for container in containers:
        if any(module.blocks(container, p) for p in probes):
            continue
        name = module.resolve(container.get("name"))
        label = f" {hcl(name)}" if isinstance(name, str) else ""
        yield Violation(
            f"container{label} has no {' or '.join(probes)}: a started but broken container "
            "keeps serving",
            path=container.path,
            severity=severity,
        )


def _cloud_run(res: TfResource, module: Module) -> Findings:
    containers = [c for t in module.blocks(res, "template") for c in module.blocks(t, "containers")]
    yield from _probes(res, module, containers, ("startup_probe", "liveness_probe"), Severity.LOW)


# --------------------------------------------------------------------------- Azure


def _lb_rule(res: TfResource, module: Module) -> Findings:
    yield from _set(res, "probe_id", module, res, "traffic is sent to backends that are down")


def _application_gateway(res: TfResource, module: Module) -> Findings:
    probe_names: set[str] = set()
    opaque = False
    for probe in module.blocks(res, "probe"):
        name = module.resolve(probe.get("name"))
        if isinstance(name, str):
            probe_names.add(name)
        else:
            opaque = True
    for settings in module.blocks(res, "backend_http_settings"):
        raw = settings.get("probe_name")
        path = (*settings.path, "probe_name")
        label = module.resolve(settings.get("name"))
        which = f" {hcl(label)}" if isinstance(label, str) else ""
        if raw is None:
            yield Violation(
                f"backend_http_settings{which} has no probe_name: the default probe only "
                "checks / on the backend's own host name",
                path=path,
            )
            continue
        value = module.resolve(raw)
        if not isinstance(value, str):
            if not is_literal(value):
                yield unknown(dotted(path), raw, module)
            continue
        if value not in probe_names and not opaque:
            yield Violation(
                f"backend_http_settings{which} names probe {hcl(value)}, which no probe block "
                "defines",
                path=path,
            )


def _web_app(res: TfResource, module: Module) -> Findings:
    site = module.first(res, "site_config")
    if site is None:
        yield Violation(
            "site_config.health_check_path is not set: instances that fail are not taken out "
            "of rotation",
            path=("site_config",),
        )
        return
    yield from _set(
        site, "health_check_path", module, res, "instances that fail are not taken out of rotation"
    )


def _container_app(res: TfResource, module: Module) -> Findings:
    containers = [c for t in module.blocks(res, "template") for c in module.blocks(t, "container")]
    yield from _probes(res, module, containers, ("liveness_probe", "readiness_probe"), None)


HEALTH_CHECKS: dict[str, Callable[[TfResource, Module], Findings]] = {
    "aws_lb_target_group": _target_group,
    "aws_alb_target_group": _target_group,
    "aws_autoscaling_group": _autoscaling_group,
    "aws_ecs_service": _ecs_service,
    "aws_ecs_task_definition": _ecs_task_definition,
    "aws_route53_record": _route53_record,
    "google_compute_backend_service": _backend_service,
    "google_compute_region_backend_service": _backend_service,
    "google_compute_instance_group_manager": _instance_group_manager,
    "google_compute_region_instance_group_manager": _instance_group_manager,
    "google_cloud_run_v2_service": _cloud_run,
    "azurerm_lb_rule": _lb_rule,
    "azurerm_application_gateway": _application_gateway,
    "azurerm_linux_web_app": _web_app,
    "azurerm_windows_web_app": _web_app,
    "azurerm_app_service": _web_app,  # deprecated (azurerm < 4): same site_config
    "azurerm_container_app": _container_app,
}


def applies_to(res: TfResource, module: Module) -> bool:
    """Resources of a checked type that the check concerns at all."""
    if res.disabled or res.type not in HEALTH_CHECKS:
        return False
    if res.type == "aws_autoscaling_group":
        return asg_load_balanced(res, module) is not False
    if res.type == "aws_ecs_service":
        return bool(res.block.entries("load_balancer"))
    if res.type == "aws_route53_record":
        return bool(res.block.entries("failover_routing_policy"))
    if res.type in ("aws_lb_target_group", "aws_alb_target_group"):
        protocols = _protocols(res.get("protocol"), module, res)
        return protocols is None or bool(protocols & {"HTTP", "HTTPS"})
    return True
