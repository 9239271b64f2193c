"""Container registries: image scanning and tag immutability (TF-026).

* ECR: a repository scans on push (``image_scanning_configuration``), or a
  registry-level ``aws_ecr_registry_scanning_configuration`` covers it: an
  ``ENHANCED`` scan, or a ``BASIC`` scan-on-push rule, whose ``repository_filter``
  wildcard matches the repository name. Tags are immutable with
  ``IMMUTABLE``/``IMMUTABLE_WITH_EXCLUSION`` (the default is ``MUTABLE``).
* Artifact Registry: standard Docker repositories set
  ``docker_config { immutable_tags = true }``; scanning is the project's
  ``containerscanning.googleapis.com`` API (or the repository's
  ``vulnerability_scanning_config``).
* ACR: Premium registries quarantine unscanned images; Defender for Containers
  (``azurerm_security_center_subscription_pricing``) scans them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pytest_devops_policy.api import Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import dotted, required_true
from pytest_devops_policy.knowledge.terraform.values import is_true, keyword, one_of

__all__ = ["REGISTRIES", "registry_scan_covers"]

_IMMUTABLE = ("immutable", "immutable_with_exclusion")
_SCANNING_API = "containerscanning.googleapis.com"


# --------------------------------------------------------------------------- AWS


def _wildcard(pattern: str, name: str) -> bool:
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, name) is not None


def registry_scan_covers(repo: TfResource, module: Module) -> bool | None:
    """Does a registry scanning configuration of the module scan this repository?"""
    name = module.resolve(repo.get("name"))
    verdict: bool | None = False
    for config in module.by_type("aws_ecr_registry_scanning_configuration"):
        if config.disabled:
            continue
        scan_type = keyword(module.resolve(config.get("scan_type")))
        if scan_type is None:
            verdict = None
            continue
        for rule in module.blocks(config, "rule"):
            frequency = keyword(module.resolve(rule.get("scan_frequency")))
            if scan_type == "basic" and frequency != "scan_on_push":
                if frequency is None:
                    verdict = None
                continue
            for filt in module.blocks(rule, "repository_filter"):
                pattern = module.resolve(filt.get("filter"))
                if pattern == "*":
                    return True
                if not isinstance(pattern, str) or not isinstance(name, str):
                    verdict = None
                    continue
                if _wildcard(pattern, name):
                    return True
    return verdict


def _ecr(res: TfResource, module: Module) -> Findings:
    covered = registry_scan_covers(res, module)
    scanning = module.first(res, "image_scanning_configuration")
    if covered is not True:
        raw = scanning.get("scan_on_push") if scanning is not None else None
        on_push = module.decide(raw, is_true, res)
        if on_push is None:
            yield unknown("image_scanning_configuration.scan_on_push", raw, module)
        elif on_push is False and covered is None:
            yield Unknown(
                "scan_on_push is off and an aws_ecr_registry_scanning_configuration of this "
                "module does not resolve"
            )
        elif on_push is False:
            why = "pushed images are not scanned for vulnerabilities"
            if scanning is None:
                yield Violation(
                    f"image_scanning_configuration is not set: {why} (or cover the repository "
                    "with an ENHANCED aws_ecr_registry_scanning_configuration)",
                    path=("image_scanning_configuration",),
                )
            else:
                yield from required_true(scanning, "scan_on_push", module, res, why)
    raw = res.get("image_tag_mutability")
    verdict = module.decide(raw, one_of(_IMMUTABLE, absent=False), res)
    if verdict is None:
        yield unknown("image_tag_mutability", raw, module)
    elif verdict is False:
        now = "is not set (defaults to MUTABLE)" if raw is None else f"= {shown(raw, module)}"
        yield Violation(
            f"image_tag_mutability {now}: a pushed tag can be overwritten, so the image "
            'deployed is not the one tested or scanned; set "IMMUTABLE"',
            path=("image_tag_mutability",),
        )
    force = res.get("force_delete")
    if module.decide(force, is_true, res) is True:
        yield Violation(
            f"force_delete = {shown(force, module)}: destroying the repository deletes every "
            "image in it, including the ones running and needed for rollback",
            path=("force_delete",),
            severity=Severity.LOW,
        )


# --------------------------------------------------------------------------- GCP


def _artifact_registry(res: TfResource, module: Module) -> Findings:
    fmt = res.get("format")
    docker = module.decide(fmt, lambda v: keyword(v) == "docker", res)
    mode = res.get("mode")
    standard = module.decide(mode, lambda v: v is None or keyword(v) == "standard_repository", res)
    if docker is False or standard is False:
        return  # not a Docker repository, or a remote/virtual one (no tags of its own)
    if docker is None or standard is None:
        yield unknown(
            "format" if docker is None else "mode", fmt if docker is None else mode, module
        )
        return
    config = module.first(res, "docker_config")
    if config is None:
        yield Violation(
            "docker_config.immutable_tags is not set (defaults to false): a pushed tag can be "
            "overwritten",
            path=("docker_config",),
        )
    else:
        yield from required_true(
            config, "immutable_tags", module, res, "a pushed tag can be overwritten"
        )
    yield from _gcp_scanning(res, module)


def _gcp_scanning(res: TfResource, module: Module) -> Findings:
    scanning = module.first(res, "vulnerability_scanning_config")
    if scanning is not None:
        raw = scanning.get("enablement_config")
        path = (*scanning.path, "enablement_config")
        off = module.decide(raw, lambda v: v is not None and keyword(v) == "disabled", res)
        if off is True:
            yield Violation(
                f"{dotted(path)} = {shown(raw, module)}: images are not scanned",
                path=path,
                severity=Severity.LOW,
            )
            return
    for service in module.by_type("google_project_service"):
        value = module.resolve(service.get("service"))
        if value == _SCANNING_API and not service.disabled:
            return
        if not isinstance(value, str):
            return  # a for_each over services, or a variable: it may be the scanning API
    yield Violation(
        f'no google_project_service enables "{_SCANNING_API}" in this module: images are '
        "scanned only if the API is enabled elsewhere",
        severity=Severity.LOW,
    )


# --------------------------------------------------------------------------- Azure


def _defender_for_containers(module: Module) -> bool | None:
    verdict: bool | None = False
    for pricing in module.by_type("azurerm_security_center_subscription_pricing"):
        if pricing.disabled:
            continue
        kind = module.resolve(pricing.get("resource_type")) or "VirtualMachines"  # the default
        tier = module.resolve(pricing.get("tier"))
        if not isinstance(kind, str) or not isinstance(tier, str):
            verdict = None
            continue
        if kind.lower() == "containers" and tier.lower() == "standard":
            return True
    return verdict


def _acr(res: TfResource, module: Module) -> Findings:
    sku = res.get("sku")
    premium = module.decide(sku, lambda v: keyword(v) == "premium", res)
    if premium is True:
        yield from required_true(
            res,
            "quarantine_policy_enabled",
            module,
            res,
            "images can be pulled before they are scanned",
        )
    elif premium is None:
        raw = res.get("quarantine_policy_enabled")
        if module.decide(raw, is_true, res) is not True:
            yield unknown("sku", sku, module)
    defender = _defender_for_containers(module)
    if defender is None:
        yield Unknown("an azurerm_security_center_subscription_pricing does not resolve")
    elif defender is False:
        yield Violation(
            "no azurerm_security_center_subscription_pricing with resource_type = "
            '"Containers" and tier = "Standard" in this module: images are not scanned by '
            "Defender for Containers",
            severity=Severity.LOW,
        )


REGISTRIES: dict[str, Callable[[TfResource, Module], Findings]] = {
    "aws_ecr_repository": _ecr,
    "google_artifact_registry_repository": _artifact_registry,
    "azurerm_container_registry": _acr,
}
