"""K8S-029: replicas of one workload are spread over nodes (or zones).

Counts: a ``podAntiAffinity`` term (required or preferred) on
``kubernetes.io/hostname``, or a ``topologySpreadConstraints`` entry on
``kubernetes.io/hostname`` or ``topology.kubernetes.io/zone``, whose label
selector matches the workload's own pod labels. ``matchLabelKeys`` only adds
the pod's own label values to the selector, so it never stops a match; an
anti-affinity term's ``mismatchLabelKeys`` on a label the pod has, or a
``namespaces`` list without its own namespace, does: such a term keeps the
pods away from other pods, not from each other.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, as_mapping
from pytest_devops_policy.indexes.k8s_verdicts import each_unit
from pytest_devops_policy.indexes.k8s_workloads import replica_count, replicated_workloads
from pytest_devops_policy.indexes.kubernetes import K8sIndex
from pytest_devops_policy.knowledge.kubernetes.selectors import (
    label_selector_matches,
    selector_text,
)

_HOST = "kubernetes.io/hostname"
_ZONE = "topology.kubernetes.io/zone"
_Path = tuple[PathPart, ...]


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _labels_text(labels: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}={v}" for k, v in labels.items()) + "}"


def _misses_own_pods(
    term: Mapping[str, Any], labels: Mapping[str, Any], namespace: str | None
) -> str | None:
    """Why a term's selector does not select the workload's own pods, or None."""
    selector = term.get("labelSelector")
    if selector is None:
        return "has no labelSelector, so it selects no pods"
    if not label_selector_matches(selector, labels):
        return (
            f"labelSelector {selector_text(selector)} does not match the pod labels "
            f"{_labels_text(labels)}"
        )
    excluded = [k for k in _list(term.get("mismatchLabelKeys")) if k in labels]
    if excluded:
        return f"mismatchLabelKeys {excluded} exclude the workload's own pods"
    namespaces = _list(term.get("namespaces"))
    if (
        namespaces
        and term.get("namespaceSelector") is None
        and namespace is not None
        and namespace not in namespaces
    ):
        return f"namespaces {namespaces} leave out its own namespace {namespace}"
    return None


def _anti_affinity_terms(
    spec: Mapping[str, Any], spec_path: _Path
) -> Iterator[tuple[str, _Path, Mapping[str, Any]]]:
    anti = as_mapping(as_mapping(spec.get("affinity")).get("podAntiAffinity"))
    base = (*spec_path, "affinity", "podAntiAffinity")
    field = "requiredDuringSchedulingIgnoredDuringExecution"
    for i, term in enumerate(_list(anti.get(field))):
        if isinstance(term, Mapping):
            yield f"podAntiAffinity required term {i}", (*base, field, i), term
    field = "preferredDuringSchedulingIgnoredDuringExecution"
    for i, weighted in enumerate(_list(anti.get(field))):
        term = as_mapping(weighted).get("podAffinityTerm")
        if isinstance(term, Mapping):
            where = (*base, field, i, "podAffinityTerm")
            yield f"podAntiAffinity preferred term {i}", where, term


@policy(
    id="K8S-029",
    name="replica-spread",
    title="Replicas must be spread across nodes or zones",
    severity=Severity.LOW,
    rationale=(
        "The scheduler is free to place every replica of a Deployment on the same node. One "
        "node failure, kernel upgrade or drain then takes all of them down together, and the "
        "extra replicas buy no availability. Pod anti-affinity on the hostname or a topology "
        "spread constraint makes the scheduler place them apart."
    ),
    remediation=(
        "Add a topologySpreadConstraints entry with topologyKey kubernetes.io/hostname (or "
        "topology.kubernetes.io/zone), maxSkew: 1 and a labelSelector matching the pod "
        "template labels, or a preferred podAntiAffinity term on kubernetes.io/hostname "
        "with such a labelSelector."
    ),
    references=(
        "kube-linter:no-anti-affinity",
        "kube-score:deployment-has-host-podantiaffinity",
        "kube-score:statefulset-has-host-podantiaffinity",
        "kube-score:pod-topology-spread-constraints",
        "polaris:topologySpreadConstraint",
    ),
    applies=replicated_workloads,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
""",
    use_instead="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels: {app: web}
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
""",
)
def replica_spread(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    return each_unit(k8s_object, context, _judge)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    index: K8sIndex | None = context.index(k8s_object)
    replicas = replica_count(k8s_object, index)
    if replicas.problem is not None:
        yield Unknown(replicas.problem)
        return
    if replicas.value is None or replicas.value < 2:
        return
    spec, spec_path = k8s_object.pod_spec, k8s_object.pod_spec_path
    if spec is None or spec_path is None:
        yield Unknown(k8s_object.pod_spec_problem or "the pod spec cannot be read")
        return
    labels = as_mapping(k8s_object.pod_template_metadata.get("labels"))
    namespace = index.namespace_of(k8s_object) if index is not None else None
    near: list[tuple[str, _Path]] = []
    for what, where, term in _anti_affinity_terms(spec, spec_path):
        key = term.get("topologyKey")
        why = (
            _misses_own_pods(term, labels, namespace)
            if key == _HOST
            else f"uses topologyKey {key!r}, not {_HOST}"
        )
        if why is None:
            return
        near.append((f"{what} {why}", where))
    for i, constraint in enumerate(_list(spec.get("topologySpreadConstraints"))):
        if not isinstance(constraint, Mapping):
            continue
        key = constraint.get("topologyKey")
        where = (*spec_path, "topologySpreadConstraints", i)
        # A spread constraint only ever counts pods of the pod's own namespace.
        why = (
            _misses_own_pods(constraint, labels, None)
            if key in (_HOST, _ZONE)
            else f"uses topologyKey {key!r}, not {_HOST} or {_ZONE}"
        )
        if why is None:
            return
        near.append((f"topologySpreadConstraints[{i}] {why}", where))
    message = (
        f"{k8s_object.kind_name} runs {replicas.describe()} but nothing spreads them: no "
        f"podAntiAffinity on {_HOST} and no topologySpreadConstraints on {_HOST} or {_ZONE} "
        "select its own pods"
    )
    if near:
        message += " (" + "; ".join(what for what, _ in near) + ")"
    yield Violation(message, path=near[0][1] if near else spec_path)
