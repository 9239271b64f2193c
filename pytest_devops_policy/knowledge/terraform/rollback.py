"""Automatic rollback of deployments, as each deployment service provides it (TF-021).

* ECS services deployed by ECS itself (the default controller) roll back through the
  deployment circuit breaker; with ``deployment_controller { type = "CODE_DEPLOY" }``
  the CodeDeploy deployment group that deploys the service (``ecs_service``
  block, §5.2-4) carries ``auto_rollback_configuration``; ``EXTERNAL`` deployments
  are driven from outside Terraform.
* CodeDeploy groups (ECS, EC2, Lambda) roll back on ``DEPLOYMENT_FAILURE``, and on
  ``DEPLOYMENT_STOP_ON_ALARM`` when they watch alarms.
* Auto Scaling instance refreshes roll back with ``preferences { auto_rollback }``.
* CloudFormation stacks roll back unless ``disable_rollback`` or
  ``on_failure = "DO_NOTHING"`` turns it off.
* Cloud Deploy canaries with ``verify = true`` gate promotion on verification.
* Azure App Service rolls back by swapping a deployment slot back.
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.api import Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value, hcl, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.links import refers_to
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import dotted, required_true
from pytest_devops_policy.knowledge.terraform.values import is_false, is_true, keyword

__all__ = [
    "CODEDEPLOY_GROUP",
    "ROLLBACK",
    "WEB_APP_SLOTS",
    "codedeploy_groups",
    "ecs_controllers",
    "verified_canary",
    "web_app_slots",
]

CODEDEPLOY_GROUP = "aws_codedeploy_deployment_group"
_FAILURE = "DEPLOYMENT_FAILURE"
_ALARM = "DEPLOYMENT_STOP_ON_ALARM"
_NOT_ROLLED_BACK = "a failed deployment is not rolled back automatically"

# The slot resources of each App Service type, and the slot argument naming the app.
WEB_APP_SLOTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "azurerm_linux_web_app": ("azurerm_linux_web_app_slot", "app_service_id", ("id",)),
    "azurerm_windows_web_app": ("azurerm_windows_web_app_slot", "app_service_id", ("id",)),
    "azurerm_app_service": ("azurerm_app_service_slot", "app_service_name", ("name",)),
}


# --------------------------------------------------------------------------- ECS


def ecs_controllers(res: TfResource, module: Module) -> set[str] | None:
    """The deployment controller types the service may have (``ECS`` when unset), or
    None when the type does not resolve."""
    controllers = module.blocks(res, "deployment_controller")
    if not controllers:
        return {"ECS"}
    found: set[str] = set()
    for block in controllers:
        for candidate in module.candidates(block.get("type"), res):
            if candidate is None:
                found.add("ECS")
            elif isinstance(candidate, str):
                found.add(candidate.strip().upper())
            else:
                return None
    return found


def _controller_path(res: TfResource, module: Module) -> tuple[str | int, ...]:
    block = module.first(res, "deployment_controller")
    return (*block.path, "type") if block is not None else ()


def _circuit_breaker(res: TfResource, module: Module) -> Findings:
    breaker = module.first(res, "deployment_circuit_breaker")
    if breaker is None:
        yield Violation(
            "deployment_circuit_breaker is not set: a deployment whose tasks never become "
            "healthy keeps replacing them and is never rolled back; set "
            "deployment_circuit_breaker { enable = true, rollback = true }",
            path=("deployment_circuit_breaker",),
        )
        return
    yield from required_true(breaker, "enable", module, res, "failed deployments are not detected")
    yield from required_true(breaker, "rollback", module, res, _NOT_ROLLED_BACK)


def _ecs_alarms(res: TfResource, module: Module) -> Findings:
    """Deployment alarms that fail a deployment should also roll it back."""
    for block in module.blocks(res, "alarms"):
        if module.decide(block.get("enable"), is_true, res) is not True:
            continue
        yield from required_true(
            block,
            "rollback",
            module,
            res,
            "an alarm marks the deployment failed but leaves it in place",
            severity=Severity.MEDIUM,
        )


def codedeploy_groups(service: TfResource, module: Module) -> tuple[list[TfResource], bool]:
    """The CodeDeploy groups whose ``ecs_service.service_name`` is this service (by
    reference or equal literal name), and whether some group's service name does not
    resolve (it might be this one)."""
    name = module.resolve(service.get("name"))
    linked: list[TfResource] = []
    opaque = False
    for group in module.by_type(CODEDEPLOY_GROUP):
        if group.disabled:
            continue
        for block in module.blocks(group, "ecs_service"):
            raw = block.get("service_name")
            resolved = module.resolve(raw)
            if refers_to(resolved, service, ("name", "id")) or (
                isinstance(name, str) and name and resolved == name
            ):
                linked.append(group)
                break
            if module.opaque(raw):
                opaque = True
    return linked, opaque


def _code_deploy(res: TfResource, module: Module) -> Findings:
    groups, opaque = codedeploy_groups(res, module)
    path = _controller_path(res, module)
    if not groups:
        if opaque:
            yield Unknown(
                "deployment_controller is CODE_DEPLOY and an aws_codedeploy_deployment_group "
                "of this module names a service that does not resolve"
            )
        else:
            yield Unknown(
                "deployment_controller is CODE_DEPLOY but no aws_codedeploy_deployment_group "
                "in this module deploys the service (ecs_service.service_name): its rollback "
                "settings are defined elsewhere"
            )
        return
    unknowns: list[Unknown] = []
    for group in groups:
        findings = list(codedeploy_group(group, module))
        violations = [f for f in findings if isinstance(f, Violation)]
        if violations:
            yield Violation(
                f"deployed by {group.address}, which does not roll back: {violations[0].message}",
                path=path,
            )
            return
        unknowns.extend(f for f in findings if isinstance(f, Unknown))
    if unknowns:
        first = unknowns[0]
        yield Unknown(f"deployed by {groups[0].address}: {first.reason}")


def _ecs_service(res: TfResource, module: Module) -> Findings:
    controllers = ecs_controllers(res, module)
    if controllers is None:
        block = module.first(res, "deployment_controller")
        raw = block.get("type") if block is not None else None
        yield unknown("deployment_controller.type", raw, module)
        return
    per_controller: dict[str, list[Violation | Unknown]] = {}
    for controller in sorted(controllers):
        if controller == "ECS":
            per_controller[controller] = [
                *_circuit_breaker(res, module),
                *_ecs_alarms(res, module),
            ]
        elif controller == "CODE_DEPLOY":
            per_controller[controller] = list(_code_deploy(res, module))
        else:  # EXTERNAL: a third-party controller deploys the task sets
            per_controller[controller] = []
    if len(per_controller) == 1:
        yield from next(iter(per_controller.values()))
        return
    if any(per_controller.values()):  # the controller type decides, and it does not resolve
        block = module.first(res, "deployment_controller")
        raw = block.get("type") if block is not None else None
        yield unknown("deployment_controller.type", raw, module)


# --------------------------------------------------------------------------- CodeDeploy


def _has_event(event: str) -> Callable[[Value], bool | None]:
    def test(value: Value) -> bool | None:
        if value is None:
            return False
        if not isinstance(value, list):
            return None
        return any(isinstance(v, str) and v.strip().upper() == event for v in value)

    return test


def _events(block: Block, event: str, module: Module, res: TfResource, why: str) -> Findings:
    raw = block.get("events")
    path = (*block.path, "events")
    verdict = module.decide(raw, _has_event(event), res)
    if verdict is True:
        return
    if verdict is None:
        # A list with an unresolved element still rolls back if the event is literal.
        resolved = module.resolve(raw)
        if isinstance(resolved, list) and _has_event(event)([v for v in resolved if is_literal(v)]):
            return
        yield unknown(dotted(path), raw, module)
    elif raw is None:
        yield Violation(f"{dotted(path)} is not set: {why}", path=path)
    else:
        yield Violation(f"{dotted(path)} = {shown(raw, module)} lacks {event}: {why}", path=path)


def codedeploy_group(res: TfResource, module: Module) -> Findings:
    """``auto_rollback_configuration { enabled = true, events ⊇ [DEPLOYMENT_FAILURE] }``,
    plus ``DEPLOYMENT_STOP_ON_ALARM`` when the group watches alarms."""
    config = module.first(res, "auto_rollback_configuration")
    if config is None:
        yield Violation(
            "auto_rollback_configuration is not set: " + _NOT_ROLLED_BACK,
            path=("auto_rollback_configuration",),
        )
        return
    yield from required_true(config, "enabled", module, res, _NOT_ROLLED_BACK)
    yield from _events(config, _FAILURE, module, res, _NOT_ROLLED_BACK)
    alarms = module.first(res, "alarm_configuration")
    if alarms is None:
        return
    off = module.decide(alarms.get("enabled"), is_false, res)
    if off is True:
        return
    yield from _events(
        config, _ALARM, module, res, "a deployment stopped by an alarm is left in place"
    )


# --------------------------------------------------------------------------- ASG, CloudFormation


def _autoscaling_group(res: TfResource, module: Module) -> Findings:
    for refresh in module.blocks(res, "instance_refresh"):
        prefs = module.first(refresh, "preferences")
        if prefs is None:
            path = (*refresh.path, "preferences", "auto_rollback")
            yield Violation(
                f"{dotted(path)} is not set (defaults to false): a failed instance refresh "
                "leaves the instances it already replaced",
                path=(*refresh.path,),
            )
            continue
        yield from required_true(
            prefs,
            "auto_rollback",
            module,
            res,
            "a failed instance refresh leaves the instances it already replaced",
        )


def _dont_roll_back(value: Value) -> bool | None:
    text = keyword(value)
    return None if value is not None and text is None else text == "do_nothing"


def _cloudformation_stack(res: TfResource, module: Module) -> Findings:
    raw = res.get("disable_rollback")
    disabled = module.decide(raw, is_true, res)
    if disabled is True:
        yield Violation(
            f"disable_rollback = {shown(raw, module)}: a failed stack operation leaves the "
            "stack half-applied",
            path=("disable_rollback",),
        )
    elif disabled is None:
        yield unknown("disable_rollback", raw, module)
    on_failure = res.get("on_failure")
    nothing = module.decide(on_failure, _dont_roll_back, res)
    if nothing is True:
        yield Violation(
            f"on_failure = {shown(on_failure, module)}: a failed stack creation is neither "
            "rolled back nor deleted",
            path=("on_failure",),
        )
    elif nothing is None:
        yield unknown("on_failure", on_failure, module)


# --------------------------------------------------------------------------- GCP, Azure


def verified_canary(res: TfResource, module: Module) -> bool:
    """A Cloud Deploy pipeline with a canary stage whose ``verify`` is true."""
    for serial in module.blocks(res, "serial_pipeline"):
        for stage in module.blocks(serial, "stages"):
            for strategy in module.blocks(stage, "strategy"):
                for canary in module.blocks(strategy, "canary"):
                    for name in ("canary_deployment", "custom_canary_deployment"):
                        for deployment in module.blocks(canary, name):
                            if module.decide(deployment.get("verify"), is_true, res) is True:
                                return True
                            for phase in module.blocks(deployment, "phase_configs"):
                                if module.decide(phase.get("verify"), is_true, res) is True:
                                    return True
    return False


def web_app_slots(res: TfResource, module: Module) -> tuple[list[TfResource], bool]:
    """The deployment slots of an App Service, and whether some slot's app does not
    resolve (it might be this one)."""
    slot_type, via, attrs = WEB_APP_SLOTS[res.type]
    name_attr = "name" if via == "app_service_name" else None
    slots = [s for s in module.linked(res, (slot_type,), via, attrs, name_attr) if not s.disabled]
    return slots, bool(module.unlinked((slot_type,), via))


def web_app(res: TfResource, module: Module, production: bool | None) -> Findings:
    """A production App Service should have a slot to deploy to and swap back."""
    if production is False:
        return
    slots, opaque = web_app_slots(res, module)
    if slots:
        return
    slot_type = WEB_APP_SLOTS[res.type][0]
    if opaque:
        yield Unknown(f"a {slot_type} of this module belongs to an app that does not resolve")
    elif production is None:
        yield Unknown(
            f"no {slot_type} deploys this app, and whether it is production depends on tags "
            f"that do not resolve ({hcl(res.get('tags'))})"
        )
    else:
        yield Violation(
            f"production app without a {slot_type}: deploy to a staging slot and swap, so "
            "a bad release is rolled back by swapping again",
            severity=Severity.MEDIUM,
        )


ROLLBACK: dict[str, Callable[[TfResource, Module], Findings]] = {
    "aws_ecs_service": _ecs_service,
    CODEDEPLOY_GROUP: codedeploy_group,
    "aws_autoscaling_group": _autoscaling_group,
    "aws_cloudformation_stack": _cloudformation_stack,
}
