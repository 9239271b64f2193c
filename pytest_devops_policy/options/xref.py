"""Cross-artifact options: ``[tool.devops-policy.xref]`` (catalog §9.5, issue 23).

XREF is not a kind of file but a family of policies anchored on other kinds' subjects, so
its table is declared here, beside the kinds', and registered by ``kinds.option_classes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar, Literal

from pytest_devops_policy.options.spec import KindOptions, option

__all__ = ["CONFIDENCE_LEVELS", "XrefOptions", "confidence_rank"]

# Strongest first (catalog §9.2-4).
CONFIDENCE_LEVELS = ("declared", "high", "medium", "low")


def confidence_rank(level: str) -> int:
    """0 for ``declared`` … 3 for ``low``: a link is trusted when its rank is <= the
    threshold's."""
    return CONFIDENCE_LEVELS.index(level)


def _image_map(value: object) -> Mapping[str, str]:
    """``{"ghcr.io/acme/web" = "services/web/Dockerfile#runtime"}``."""
    if not isinstance(value, Mapping):
        raise ValueError('must be a table of "repository" = "path/Dockerfile[#stage]"')
    out: dict[str, str] = {}
    for key, target in value.items():
        if not isinstance(target, str) or not target.strip() or not str(key).strip():
            raise ValueError(f"{key!r} must map to a path/Dockerfile[#stage] string")
        if target.strip().startswith(("/", "..")):
            raise ValueError(f"{key!r}: {target!r} must be a path inside the repository")
        out[str(key).strip()] = target.strip().removeprefix("./")
    return MappingProxyType(out)


def _strings(value: object) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(v, str) for v in items):
        raise ValueError("must be a list of strings")
    return tuple(v.strip() for v in items if v.strip())


def _object_globs(value: object) -> tuple[str, ...]:
    """``Kind/namespace/name`` globs (``*`` in any part)."""
    globs = _strings(value)
    for glob in globs:
        if glob.count("/") != 2 or not all(glob.split("/")):
            raise ValueError(f"{glob!r} must be Kind/namespace/name (globs allowed)")
    return globs


def _ratio(value: object) -> float:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValueError("must be a number between 0 and 1") from None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 1:
        return float(value)
    raise ValueError("must be a number between 0 and 1")


def _repository(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be owner/name")
    text = value.strip()
    if text and (text.count("/") != 1 or not all(text.split("/"))):
        raise ValueError("must be owner/name")
    return text


_SEVERITIES = ("low", "medium", "high", "critical")


def _gate_policies(value: object) -> tuple[str, ...]:
    """``K8S-002`` (a built-in Kubernetes policy) or ``K8S:<severity>`` (every one of
    that severity), deduplicated in order."""
    from pytest_devops_policy.policies.catalog import CATALOG  # the ids, without the modules

    known = {pid for pid, _, _ in CATALOG if pid.startswith("K8S-")}
    out: list[str] = []
    for entry in _strings(value):
        prefix, colon, severity = entry.partition(":")
        if colon:
            if prefix.strip().upper() != "K8S" or severity.strip().lower() not in _SEVERITIES:
                raise ValueError(
                    f"{entry!r} must be K8S:<severity> with a severity of {', '.join(_SEVERITIES)}"
                )
            entry = f"K8S:{severity.strip().lower()}"
        else:
            entry = entry.upper()
            if entry not in known:
                raise ValueError(
                    f"{entry!r} is not a built-in Kubernetes policy id (K8S-001...) nor "
                    "K8S:<severity>"
                )
        if entry not in out:
            out.append(entry)
    return tuple(out)


@dataclass(frozen=True)
class XrefOptions(KindOptions):
    TABLE: ClassVar[str] = "xref"

    scope: Literal["run", "repo"] = option(
        "run",
        "Which files the cross-artifact index reads: those of the run (the paths given to "
        "pytest, and the workflows of each directory given), or the whole repository "
        "(rootdir, with the usual excludes) even when fewer files are collected. 'repo' "
        "costs a walk of the repository and a parse of the files a link needs.",
    )
    min_link_confidence: Literal["declared", "high", "medium", "low"] = option(
        "medium",
        "The weakest image-to-Dockerfile link a finding may rest on (declared > high > "
        "medium > low). A policy whose link is weaker reports UNKNOWN ('linked by name "
        "only'), never FAIL.",
    )
    image_map: Mapping[str, str] = option(
        MappingProxyType({}),
        "Declared links: image repository -> the Dockerfile that builds it, with an optional "
        'stage (`{"ghcr.io/acme/web" = "services/web/Dockerfile#runtime"}`). The strongest '
        "link; use it to correct a guessed one.",
        parse=_image_map,
        type_text="table of repository = path[#stage]",
    )
    github_repository: str = option(
        "",
        "This repository's owner/name on GitHub, for `${{ github.repository }}` in image "
        "refs and Terraform's github_repository_environment. Empty: read from .git/config's "
        "origin remote (a file read; no git call, no network).",
        parse=_repository,
    )
    run_unique_tokens: tuple[str, ...] = option(
        (
            "github.sha",
            "github.run_id",
            "github.run_number",
            "GITHUB_SHA",
            "GITHUB_RUN_ID",
            "CI_COMMIT_SHA",
            "CI_COMMIT_SHORT_SHA",
            "CI_PIPELINE_ID",
            "CI_JOB_ID",
        ),
        "Template tokens whose value is new on every pipeline run: a pushed tag holding one "
        "never collides in a registry with immutable tags. Names as written inside "
        "`${{ }}` (github.sha) or after `$` (CI_COMMIT_SHA); a tag built from other tokens "
        "is UNKNOWN.",
        policies=("XREF-007",),
        parse=_strings,
    )
    port_env_names: tuple[str, ...] = option(
        ("PORT", "HTTP_PORT", "SERVER_PORT", "APP_PORT"),
        "Container environment variables that set the port the application listens on "
        "(12-factor): a literal value there replaces the image's EXPOSE ports.",
        policies=("XREF-009",),
        parse=_strings,
    )
    heap_warn_ratio: float = option(
        0.8,
        "XREF-008 reports a low-severity finding when the heap maximum (-Xmx, "
        "-XX:MaxHeapSize, --max-old-space-size, or -XX:MaxRAMPercentage as a fraction) is "
        "above this fraction of the container's limits.memory; at or above the whole "
        "limit it FAILs. The rest of the limit is for metaspace, thread stacks, code cache "
        "and native buffers.",
        policies=("XREF-008",),
        parse=_ratio,
        type_text="number in (0, 1]",
    )
    manifests_complete: bool = option(
        False,
        "Every Kubernetes object a workflow deploys is defined in this repository: a "
        "`kubectl set image`/`rollout`/`scale`/`patch`/`wait` of an object the run does not "
        "hold FAILs even in a job that applies no manifest of its own.",
        policies=("XREF-001",),
    )
    external_objects: tuple[str, ...] = option(
        (),
        "Objects defined outside this repository, as `Kind/namespace/name` globs "
        '(`"Deployment/*/legacy-*"`, `"*/prod/*"`): a deploy step that names one is not '
        "reported.",
        policies=("XREF-001",),
        parse=_object_globs,
        type_text="list of Kind/namespace/name globs",
    )
    cluster_scoped_kinds: tuple[str, ...] = option(
        (),
        "Kinds without a namespace, added to the built-in list (Namespace, ClusterRole, "
        "ClusterRoleBinding, CustomResourceDefinition, PersistentVolume, StorageClass, "
        "IngressClass, PriorityClass, webhook configurations, APIService): an apply with "
        "`-n` ignores their namespace. Other custom kinds are assumed namespaced.",
        policies=("XREF-006",),
        parse=_strings,
    )
    gate_deploys: bool = option(
        False,
        "Judge production deploy jobs by the Kubernetes verdicts of the manifests they apply "
        "(XREF-010). Off by default: the gate re-reports K8S findings, which the K8S items "
        "already report.",
        policies=("XREF-010",),
    )
    gate_policies: tuple[str, ...] = option(
        ("K8S:critical", "K8S-001", "K8S-010"),
        "The Kubernetes policies an applied object must pass for XREF-010: a built-in id "
        "(`K8S-002`) or `K8S:<severity>` for every K8S policy of that severity "
        "(low, medium, high, critical).",
        policies=("XREF-010",),
        parse=_gate_policies,
        type_text="list of K8S ids or K8S:<severity>",
    )
