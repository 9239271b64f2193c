"""Replica counts and pod-template facts shared by the availability policies
(K8S-023, K8S-026 … K8S-029).

**R**, the number of pods a workload runs at its low point (catalog K8S-023), is
the ``minReplicas`` of a HorizontalPodAutoscaler that targets it (default 1),
else ``spec.replicas`` (default 1). An HPA overrides ``spec.replicas`` as soon
as it acts, so its floor is what drains and spreading have to work with. Only
kinds with a replica count have an R: bare Pods (1) and the ``spec.replicas``
controllers (Deployment, StatefulSet, ReplicaSet, ReplicationController,
DeploymentConfig, Argo Rollout). DaemonSets (one pod per node), Jobs and
Knative Services (scaled by their own autoscaler) have none.

A count that is not a literal integer (a Helm or envsubst template, a quoted
``"3"``) cannot be decided statically, and neither can R when an HPA of the
deployment unit may or may not be in the workload's namespace (one of them sets
none): ``Replicas.problem`` says why, and the policies turn that into Unknown
rather than guess. (Resources a unit applies but the run does not read are
assumed to hold no HPA for the workload.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.kubernetes.objects import (
    REPLICATED_KINDS,
    K8sObject,
    is_templated,
)
from pytest_devops_policy.indexes.kubernetes import Entry, K8sIndex, Matches

__all__ = [
    "REPLICATED_KINDS",
    "Replicas",
    "effective_replicas",
    "entry_replicas",
    "hpa_min_replicas",
    "is_templated",
    "pod_labels_path",
    "replica_count",
    "replicas_path",
    "replicated_workloads",
]

Path = tuple[PathPart, ...]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _not_an_int(what: str, value: object) -> str:
    if is_templated(value):
        return f"{what} is templated ({value!r}); render it first"
    return f"{what} is {value!r}, not an integer"


@dataclass(frozen=True)
class Replicas:
    """A workload's R and where it comes from.

    ``value`` is None when the workload has no replica count (DaemonSet, Job...)
    or when it cannot be decided statically; ``problem`` then says why (it is
    None for kinds that simply have no count).
    """

    value: int | None
    source: str  # for messages: "spec.replicas: 3", "minReplicas 2 on HorizontalPodAutoscaler/web"
    hpas: tuple[Entry, ...] = ()
    problem: str | None = None

    def describe(self) -> str:
        """``3 replicas (spec.replicas: 3)``."""
        noun = "replica" if self.value == 1 else "replicas"
        return f"{self.value} {noun} ({self.source})"


def hpa_min_replicas(hpa: Entry) -> tuple[int | None, str]:
    """An HPA's ``minReplicas`` (the API default is 1) and its description, or
    (None, why) when it is not a literal integer."""
    raw = hpa.spec.get("minReplicas")
    if raw is None:
        return 1, f"minReplicas absent (defaults to 1) on {hpa.ref}"
    if not _is_int(raw):
        return None, _not_an_int(f"minReplicas of {hpa.ref}", raw)
    return int(raw), f"minReplicas {raw} on {hpa.ref}"


def _from_hpas(hpas: Sequence[Entry]) -> Replicas:
    values: list[tuple[int, str]] = []
    for hpa in hpas:
        value, text = hpa_min_replicas(hpa)
        if value is None:
            return Replicas(None, text, tuple(hpas), problem=text)
        values.append((value, text))
    # Several HPAs on one workload fight over it; the lowest floor is what it may drop to.
    value, text = min(values)
    return Replicas(value, text, tuple(hpas))


def _uncertain(hpas: Matches, whose: str = "") -> Replicas:
    """R when an autoscaler may or may not target the workload (its namespace relation
    to the workload is unknown): it cannot be decided."""
    text = (
        f"the replica count{whose} depends on whether a HorizontalPodAutoscaler targets it: "
        f"{hpas.namespace_doubt}"
    )
    return Replicas(None, text, tuple(hpas), problem=text)


def _replicated(kind: str, group: str) -> bool:
    return kind in REPLICATED_KINDS and (kind != "Rollout" or group == "argoproj.io")


def replicated_workloads(subject: object) -> bool:
    """``applies=`` predicate: workloads whose pod count is ``spec.replicas``."""
    return (
        isinstance(subject, K8sObject)
        and subject.is_workload
        and _replicated(subject.kind_name, subject.group)
    )


def replica_count(obj: K8sObject, index: K8sIndex | None) -> Replicas:
    """R of a workload object (see the module docstring)."""
    kind = obj.kind_name
    if kind == "Pod" and obj.is_workload:
        return Replicas(1, "a bare Pod")
    if not _replicated(kind, obj.group):
        return Replicas(None, f"a {kind} has no replica count")
    hpas = index.hpas_targeting(obj) if index is not None else Matches()
    if hpas.maybe:
        return _uncertain(hpas)
    if hpas:
        return _from_hpas(hpas)
    spec = obj.value.get("spec")
    raw = spec.get("replicas") if isinstance(spec, Mapping) else None
    if raw is None:
        return Replicas(1, "spec.replicas absent, defaults to 1")
    if not _is_int(raw):
        text = _not_an_int("spec.replicas", raw)
        return Replicas(None, text, problem=text)
    return Replicas(int(raw), f"spec.replicas: {raw}")


def effective_replicas(obj: K8sObject, index: K8sIndex | None) -> int | None:
    """R of a workload object, or None (no replica count, or not a literal integer)."""
    return replica_count(obj, index).value


def entry_replicas(entry: Entry, index: K8sIndex) -> Replicas:
    """R of a workload as the index knows it (for policies judging another object,
    such as a PodDisruptionBudget's matched workloads)."""
    if entry.kind == "Pod":
        return Replicas(1, f"{entry.ref} is a bare Pod")
    if not _replicated(entry.kind, entry.group):
        return Replicas(None, f"{entry.ref} has no fixed replica count")
    hpas = index.hpas_for(entry)
    if hpas.maybe:
        return _uncertain(hpas, f" of {entry.ref}")
    if hpas:
        return _from_hpas(hpas)
    if entry.replicas is None:
        # The index keeps literal integers only; anything else was written but unreadable.
        text = f"spec.replicas of {entry.ref} is not a literal integer"
        return Replicas(None, text, problem=text)
    # The index cannot tell an absent spec.replicas from an explicit 1.
    source = "spec.replicas" if entry.replicas != 1 else "spec.replicas or its default of 1"
    return Replicas(entry.replicas, source)


def replicas_path(obj: K8sObject) -> Path:
    """``spec.replicas`` when written, else ``spec`` (what a Violation points at)."""
    spec = obj.value.get("spec")
    if isinstance(spec, Mapping) and "replicas" in spec:
        return ("spec", "replicas")
    return ("spec",)


def pod_labels_path(obj: K8sObject) -> Path:
    """The pod template's ``metadata.labels`` (what selectors match), or the
    nearest enclosing key that is written."""
    spec_path = obj.pod_spec_path
    if spec_path is None:
        return ("metadata",)
    base = spec_path[:-1]
    meta: Any = obj.value
    for part in base:
        meta = meta.get(part) if isinstance(meta, Mapping) else None
    meta = meta.get("metadata") if isinstance(meta, Mapping) else None
    if isinstance(meta, Mapping) and "labels" in meta:
        return (*base, "metadata", "labels")
    if isinstance(meta, Mapping):
        return (*base, "metadata")
    return base or ("metadata",)
