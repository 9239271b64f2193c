"""Kubernetes options: ``[tool.devops-policy.k8s]``."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Literal

from pytest_devops_policy.options.spec import KindOptions, option

__all__ = ["DEFAULT_ALLOWED_CAPABILITIES", "DEFAULT_K8S_VERSION", "K8sOptions"]

DEFAULT_ALLOWED_CAPABILITIES = ("NET_BIND_SERVICE",)
DEFAULT_K8S_VERSION = "1.35"


def _cpu(value: object) -> Decimal:
    # A Kubernetes quantity ("8", "500m"); the quantity grammar lives in knowledge.
    from pytest_devops_policy.knowledge.kubernetes.quantity import try_parse_quantity

    if isinstance(value, Decimal) and value >= 0:
        return value
    quantity = try_parse_quantity(value) if not isinstance(value, bool) else None
    if quantity is None:
        raise ValueError('must be a CPU quantity such as 8 or "500m"')
    return quantity.value


def _version(value: object) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ValueError('must be a version string such as "1.33"')


def _non_negative(value: object) -> float:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = float(value.strip())
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    raise ValueError("must be a number of seconds >= 0")


@dataclass(frozen=True)
class K8sOptions(KindOptions):
    TABLE: ClassVar[str] = "k8s"

    scope: Literal["session", "dir", "file"] = option(
        "session",
        "Which objects cross-object policies see: the manifest's whole deployment unit, the "
        "part of it in the manifest's directory, or its own file (also "
        "`--devops-policy-k8s-scope`).",
    )
    default_namespace: str = option(
        "",
        "The namespace of objects that set none and no kustomization sets (empty: unset, the "
        "namespace their deployment unit is applied to).",
    )
    unit_roots: tuple[str, ...] = option(
        (),
        "Directories (relative to the rootdir, a glob per path segment) whose whole tree is "
        "applied as one deployment unit (kubectl apply -R -f DIR); by default each directory "
        "is its own.",
    )
    require_namespace: bool = option(
        False,
        "Fail objects that set no namespace (and no kustomization sets one).",
        policies=("K8S-014",),
    )
    require_cpu_limit: bool = option(
        True,
        "Require a CPU limit besides the requests and the memory limit.",
        policies=("K8S-010",),
    )
    limitrange_satisfies: bool = option(
        True,
        "A LimitRange default in the object's namespace satisfies a missing request or limit.",
        policies=("K8S-010",),
    )
    pod_level_resources: bool = option(
        False,
        "The cluster has the PodLevelResources feature: pod-level resources cover containers.",
        policies=("K8S-010",),
    )
    readiness_only_if_service: bool = option(
        False,
        "Require readiness probes only for pods a Service selects (kube-score's behaviour).",
        policies=("K8S-012",),
    )
    min_liveness_grace: float = option(
        30.0,
        "Seconds a liveness probe must leave a container before the first restart.",
        policies=("K8S-013",),
        parse=_non_negative,
        type_text="number",
    )
    require_digest: bool = option(
        False,
        "Require images pinned by digest, not only by an immutable-looking tag.",
        policies=("K8S-015",),
    )
    secrets_as_files: bool = option(
        False,
        "Also fail environment variables that take their value from a Secret (prefer files).",
        policies=("K8S-016",),
    )
    allowed_host_paths: tuple[str, ...] = option(
        (),
        "hostPath paths (and what lies under them) that are allowed.",
        policies=("K8S-007",),
    )
    allowed_capabilities: tuple[str, ...] = option(
        DEFAULT_ALLOWED_CAPABILITIES,
        "Capabilities a container may add after dropping ALL; replaces the default.",
        policies=("K8S-004",),
    )
    max_unavailable_pct: int = option(
        50,
        "The largest maxUnavailable, in percent of the replicas, a rolling update may take down.",
        policies=("K8S-023",),
    )
    min_revision_history: int = option(
        2,
        "The fewest old revisions kept for a rollback (revisionHistoryLimit).",
        policies=("K8S-024",),
    )
    max_progress_deadline: int = option(
        1800,
        "The longest progressDeadlineSeconds, in seconds, before a stuck rollout is reported.",
        policies=("K8S-025",),
    )
    min_replicas: int = option(
        2,
        "The fewest replicas (or HPA minReplicas) of a long-running workload.",
        policies=("K8S-028",),
    )
    max_cpu_per_container: Decimal = option(
        Decimal(64),
        "The largest plausible CPU request or limit of one container, in cores.",
        policies=("K8S-011",),
        parse=_cpu,
        type_text="CPU quantity",
    )
    helm_render: bool = option(
        False,
        "Render Helm charts with the helm binary (helm template, default values) and check the "
        "output, attributed to the templates (also `--devops-policy-helm-render`).",
    )
    version: str = option(
        DEFAULT_K8S_VERSION,
        "The Kubernetes version whose API schemas objects are validated against (also "
        "`--devops-policy-k8s-version`).",
        policies=("K8S-031",),
        parse=_version,
        type_text="string",
    )
    schema_strict: bool = option(
        True,
        "Report fields the schema does not know (strict validation).",
        policies=("K8S-031",),
    )
