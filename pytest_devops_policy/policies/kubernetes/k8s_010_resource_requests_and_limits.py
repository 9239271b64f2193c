"""K8S-010: every container declares CPU/memory requests and limits.

A ``LimitRange`` of type ``Container`` in the object's namespace (from the
index of its deployment unit) supplies what a container leaves out, with the API server's
defaulting: a missing ``default`` comes from ``max``, a missing
``defaultRequest`` from ``default`` and then ``min``. Turn that off with
``k8s.limitrange_satisfies = false``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, workloads
from pytest_devops_policy.indexes.k8s_verdicts import each_unit
from pytest_devops_policy.indexes.kubernetes import Entry, K8sIndex, Matches
from pytest_devops_policy.knowledge.kubernetes.quantity import try_parse_quantity
from pytest_devops_policy.options import K8sOptions

_Field = tuple[str, str]  # (section, resource): ("requests", "cpu")


def _value(resources: object, section: str, name: str) -> Any:
    if not isinstance(resources, Mapping):
        return None
    part = resources.get(section)
    return part.get(name) if isinstance(part, Mapping) else None


def _effective(resources: object, section: str, name: str) -> Any:
    """The value the API server ends up with: an unset request defaults to the limit."""
    value = _value(resources, section, name)
    if value is None and section == "requests":
        return _value(resources, "limits", name)
    return value


# Where admission finds a container's default limit and request: defaultRequest falls
# back to default, default falls back to max, and a request may also come from min.
_LIMIT_RANGE_SOURCES = {
    "limits": ("default", "max"),
    "requests": ("defaultRequest", "default", "max", "min"),
}


def limit_range_defaults(index: K8sIndex, namespace: str | None) -> dict[_Field, str]:
    """What LimitRanges certainly in ``namespace`` give a container that sets nothing:
    ``(section, resource) -> the LimitRange that supplies it``."""
    return _defaults(index.related("LimitRange", namespace))


def _defaults(entries: Iterable[Entry]) -> dict[_Field, str]:
    found: dict[_Field, str] = {}
    for entry in entries:
        limits = entry.spec.get("limits")
        for item in limits if isinstance(limits, list) else ():
            if not isinstance(item, Mapping) or item.get("type") != "Container":
                continue
            for section, sources in _LIMIT_RANGE_SOURCES.items():
                for source in sources:
                    values = item.get(source)
                    if not isinstance(values, Mapping):
                        continue
                    for name, value in values.items():
                        if value is not None and not _is_zero(value):
                            found.setdefault((section, str(name)), entry.ref)
    return found


def _is_zero(value: object) -> bool:
    quantity = try_parse_quantity(value)
    # Unparseable values are K8S-011's finding; here they count as set.
    return quantity is not None and quantity.is_zero


@policy(
    id="K8S-010",
    name="resource-requests-and-limits",
    title="Containers must declare CPU and memory requests and limits",
    severity=Severity.HIGH,
    rationale=(
        "Without requests the scheduler packs pods onto nodes blind, so a busy node starves "
        "its neighbours and pods get the BestEffort class that is evicted first. Without a "
        "memory limit one leaking container can drive the whole node out of memory; without "
        "a CPU limit one busy loop steals time from every other pod. Init containers and "
        "sidecars count: the pod's effective request is computed from them too."
    ),
    remediation=(
        "Give every container, init container and sidecar resources.requests.cpu, "
        "requests.memory, limits.memory and limits.cpu, all above zero, or give the "
        "namespace a LimitRange with default and defaultRequest values. Set "
        "k8s.require_cpu_limit = false to make CPU limits optional."
    ),
    controls=("NSA-K8s-Resource-Policies", "NIST-800-53-SC-6"),
    references=(
        "checkov:CKV_K8S_10",
        "checkov:CKV_K8S_11",
        "checkov:CKV_K8S_12",
        "checkov:CKV_K8S_13",
        "kube-linter:unset-cpu-requirements",
        "kube-linter:unset-memory-requirements",
        "kube-score:container-resources",
        "polaris:cpuRequestsMissing",
        "polaris:memoryRequestsMissing",
        "polaris:cpuLimitsMissing",
        "polaris:memoryLimitsMissing",
        "trivy:AVD-KSV-0011",
        "trivy:AVD-KSV-0015",
        "trivy:AVD-KSV-0016",
        "trivy:AVD-KSV-0018",
    ),
    applies=workloads,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:3.2.0
          resources:
            requests:
              memory: 256Mi
""",
    use_instead="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:3.2.0
          resources:
            requests:
              cpu: 250m
              memory: 256Mi
            limits:
              cpu: "1"
              memory: 512Mi
""",
)
def resource_requests_and_limits(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    return each_unit(k8s_object, context, _judge)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    required: list[_Field] = [("requests", "cpu"), ("requests", "memory"), ("limits", "memory")]
    options = context.options(K8sOptions)
    if options.require_cpu_limit:
        required.append(("limits", "cpu"))
    # Pod-level resources (PodLevelResources feature gate) may cover what a
    # container leaves out, but only where the cluster is known to have the gate.
    pod_resources: object = None
    if options.pod_level_resources:
        pod_resources = (k8s_object.pod_spec or {}).get("resources")
    ranges = Matches()
    if options.limitrange_satisfies:
        index: K8sIndex | None = context.index(k8s_object)
        if index is not None:
            ranges = index.related("LimitRange", index.namespace_of(k8s_object))
    defaults, maybe_defaults = _defaults(ranges), _defaults(ranges.maybe)
    unseen = ranges.unit is not None and bool(ranges.unit.unseen)

    for c in k8s_object.containers():
        resources = c.get("resources")
        missing: list[str] = []
        doubtful: list[str] = []  # only a LimitRange of uncertain namespace defaults these
        zero: list[str] = []
        zero_path: tuple[PathPart, ...] | None = None
        for section, name in required:
            explicit = _value(resources, section, name)
            if explicit is not None:
                if _is_zero(explicit):
                    zero.append(f"{section}.{name}")
                    zero_path = zero_path or c.at("resources", section, name)
                continue
            value = _effective(resources, section, name)
            if value is not None:
                continue  # a request defaulted from the limit; a zero limit is reported once
            covered = _effective(pod_resources, section, name)
            if covered is not None and not _is_zero(covered):
                continue
            if (section, name) in defaults:
                continue  # the namespace's LimitRange defaults it at admission
            if (section, name) in maybe_defaults:
                doubtful.append(f"{section}.{name}")
            else:
                missing.append(f"{section}.{name}")
        if not zero and ((doubtful and not missing) or (missing and unseen)):
            # A LimitRange the run cannot place (or cannot read) may default them.
            unset = ", resources.".join(missing + doubtful)
            yield Unknown(f"{c.ref} sets no resources.{unset}; {ranges.doubt}")
            continue
        if not missing and not zero:
            continue
        parts: list[str] = []
        if missing:
            parts.append("sets no resources." + ", resources.".join(missing))
        if zero:
            parts.append("sets resources." + ", resources.".join(zero) + " to zero")
        yield Violation(
            f"{c.ref} " + " and ".join(parts),
            path=c.path if missing or zero_path is None else zero_path,
        )
