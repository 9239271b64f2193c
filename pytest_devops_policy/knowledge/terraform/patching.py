"""Managed patching: the provider applies minor versions, security patches and node images (TF-025).

Databases and caches take minor engine upgrades in their maintenance window unless
``auto_minor_version_upgrade = false`` (Amazon MQ defaults to off); OpenSearch
takes service software updates when asked; managed Kubernetes control planes must
run a supported version (``kubernetes_versions``) and be enrolled in an upgrade
channel; GKE node pools auto-upgrade and auto-repair; Cloud SQL should say when
maintenance happens; Azure VMs are patched by the platform with
``patch_mode = "AutomaticByPlatform"``.
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.kubernetes_versions import kubernetes_status
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import dotted, required_true
from pytest_devops_policy.knowledge.terraform.values import is_false, keyword, one_of, to_string

__all__ = ["PATCHING"]

_MINOR_UPGRADES = "minor versions with security fixes are not applied"


def _not_false(res: TfResource, attr: str, module: Module, why: str) -> Findings:
    raw = res.get(attr)
    verdict = module.decide(raw, is_false, res)
    if verdict is True:
        yield Violation(f"{attr} = {shown(raw, module)}: {why}", path=(attr,))
    elif verdict is None:
        yield unknown(attr, raw, module)


def _auto_minor(res: TfResource, module: Module) -> Findings:
    yield from _not_false(res, "auto_minor_version_upgrade", module, _MINOR_UPGRADES)


def _version(
    res: TfResource,
    module: Module,
    attr: str,
    service: str,
    absent: str | None,
    strict: bool,
) -> Findings:
    """The Kubernetes version in ``attr`` is supported. ``absent`` is the finding text for
    an unset version (None: nothing to say); ``strict`` makes a version the table does not
    list Unknown (otherwise only a definite end of life is reported)."""
    raw = res.get(attr)
    if raw is None:
        if absent is not None:
            yield Unknown(absent)
        return
    for candidate in module.candidates(raw, res):
        text = to_string(candidate) if not isinstance(candidate, (list, dict)) else None
        if text is None:
            yield unknown(attr, raw, module)
            return
        status = kubernetes_status(service, text)
        if status.eol is True:
            yield Violation(f"{attr} = {shown(raw, module)}: {status.text}", path=(attr,))
            return
        if status.eol is None and strict:
            yield Unknown(f"{attr} = {shown(raw, module)}: {status.text}")
            return


# --------------------------------------------------------------------------- AWS


def _eks(res: TfResource, module: Module) -> Findings:
    yield from _version(
        res,
        module,
        "version",
        "eks",
        "version is not set: the cluster runs the default version of the day it was created, "
        "which is not known statically",
        strict=True,
    )


def _mq(res: TfResource, module: Module) -> Findings:
    yield from required_true(res, "auto_minor_version_upgrade", module, res, _MINOR_UPGRADES)


def _opensearch(res: TfResource, module: Module) -> Findings:
    options = module.first(res, "software_update_options")
    why = "service software updates (security fixes) wait for a manual update"
    if options is None:
        yield Violation(
            f"software_update_options.auto_software_update_enabled is not set: {why}",
            path=("software_update_options",),
            severity=Severity.LOW,
        )
        return
    yield from required_true(
        options, "auto_software_update_enabled", module, res, why, severity=Severity.LOW
    )


# --------------------------------------------------------------------------- GCP

_CHANNELS = ("rapid", "regular", "stable", "extended")


def _gke(res: TfResource, module: Module) -> Findings:
    channel = module.first(res, "release_channel")
    autopilot = module.decide(res.get("enable_autopilot"), lambda v: v is True or v == "true", res)
    if channel is None and autopilot is True:
        pass  # Autopilot clusters are always enrolled in a channel (REGULAR by default)
    elif channel is None:
        yield Violation(
            "release_channel is not set: the cluster is not enrolled in a release channel; "
            'set release_channel { channel = "REGULAR" } (or "STABLE"/"RAPID")',
            path=("release_channel",),
        )
    else:
        raw = channel.get("channel")
        path: tuple[PathPart, ...] = (*channel.path, "channel")
        verdict = module.decide(raw, one_of(_CHANNELS), res)
        if verdict is None:
            yield unknown(dotted(path), raw, module)
        elif verdict is False:
            yield Violation(
                f"release_channel.channel = {shown(raw, module)}: the cluster is not enrolled "
                "in a release channel and is upgraded only by hand",
                path=path,
            )
    yield from _version(res, module, "min_master_version", "gke", None, strict=False)
    for pool in module.blocks(res, "node_pool"):
        yield from _management(res, pool, module)


def _management(res: TfResource, owner: Block | TfResource, module: Module) -> Findings:
    block = module.first(owner, "management")
    if block is None:
        where = (*owner.path, "management")
        yield Violation(
            f"{dotted(where)} is not set: set auto_upgrade = true and auto_repair = true "
            "explicitly (their defaults changed between provider versions)",
            path=where,
        )
        return
    yield from required_true(
        block, "auto_upgrade", module, res, "nodes are not patched with new node images"
    )
    yield from required_true(
        block, "auto_repair", module, res, "nodes that fail health checks are not recreated"
    )


def _node_pool(res: TfResource, module: Module) -> Findings:
    yield from _management(res, res, module)


def _cloud_sql(res: TfResource, module: Module) -> Findings:
    settings = module.first(res, "settings")
    if settings is not None and module.first(settings, "maintenance_window") is not None:
        return
    yield Violation(
        "settings.maintenance_window is not set: Google applies updates at any time, "
        "including peak hours",
        path=("settings", "maintenance_window") if settings is not None else ("settings",),
        severity=Severity.LOW,
    )


# --------------------------------------------------------------------------- Azure

_AKS_CHANNELS = ("patch", "stable", "rapid", "node-image")
_NODE_OS_CHANNELS = ("nodeimage", "securitypatch")


def _renamed(res: TfResource, v4: str, v3: str) -> tuple[str, Value]:
    """The v4 attribute when set, else the v3 one (§5.2-5)."""
    if res.has(v4):
        return v4, res.get(v4)
    return (v3, res.get(v3)) if res.has(v3) else (v4, None)


def _aks(res: TfResource, module: Module) -> Findings:
    name, raw = _renamed(res, "automatic_upgrade_channel", "automatic_channel_upgrade")
    verdict = module.decide(raw, one_of(_AKS_CHANNELS), res)
    if verdict is None:
        yield unknown(name, raw, module)
    elif verdict is False:
        now = "is not set (no automatic upgrades)" if raw is None else f"= {shown(raw, module)}"
        yield Violation(
            f'{name} {now}: the cluster is upgraded only by hand; set it to "patch" or "stable"',
            path=(name,),
        )
    name, raw = _renamed(res, "node_os_upgrade_channel", "node_os_channel_upgrade")
    verdict = module.decide(raw, one_of(_NODE_OS_CHANNELS, absent=True), res)
    if verdict is None:
        yield unknown(name, raw, module)
    elif verdict is False:
        yield Violation(
            f"{name} = {shown(raw, module)}: node OS security patches are not applied; "
            'use "NodeImage" or "SecurityPatch"',
            path=(name,),
        )
    yield from _version(res, module, "kubernetes_version", "aks", None, strict=False)


def _vm(res: TfResource, module: Module) -> Findings:
    raw = res.get("patch_mode")

    def platform(value: Value) -> bool | None:
        if value is None:
            return False
        text = keyword(value)
        return None if text is None else text == "automaticbyplatform"

    verdict = module.decide(raw, platform, res)
    if verdict is None:
        yield unknown("patch_mode", raw, module)
    elif verdict is False:
        now = "is not set" if raw is None else f"= {shown(raw, module)}"
        yield Violation(
            f'patch_mode {now}: set "AutomaticByPlatform" so Azure applies security patches '
            "with health monitoring",
            path=("patch_mode",),
            severity=Severity.LOW,
        )


PATCHING: dict[str, Callable[[TfResource, Module], Findings]] = {
    "aws_db_instance": _auto_minor,
    "aws_rds_cluster_instance": _auto_minor,
    "aws_elasticache_cluster": _auto_minor,
    "aws_elasticache_replication_group": _auto_minor,
    "aws_eks_cluster": _eks,
    "aws_mq_broker": _mq,
    "aws_opensearch_domain": _opensearch,
    "google_container_cluster": _gke,
    "google_container_node_pool": _node_pool,
    "google_sql_database_instance": _cloud_sql,
    "azurerm_kubernetes_cluster": _aks,
    "azurerm_linux_virtual_machine": _vm,
    "azurerm_windows_virtual_machine": _vm,
}
