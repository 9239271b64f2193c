"""K8S-011: resource requests and limits are quantities the API accepts and that mean
what their author meant."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, is_templated, workloads
from pytest_devops_policy.knowledge.kubernetes.quantity import (
    InvalidQuantity,
    Quantity,
    parse_quantity,
)
from pytest_devops_policy.options import K8sOptions

Path = tuple[PathPart, ...]

_SECTIONS = ("requests", "limits")
_MEBIBYTE = Decimal(2**20)
_DEFAULT_MAX_CPU = Decimal(64)
# Sub-byte suffixes: 128m is 0.128 bytes, not 128 MiB.
_FRACTION_SUFFIXES = {"m": "milli", "u": "micro", "n": "nano"}


def _resource_class(name: str) -> str | None:
    """``cpu``, ``bytes`` (memory-like), ``extended`` (integer devices), or None when
    the API does not accept the name on a container."""
    if name == "cpu":
        return "cpu"
    # The catalog names memory; ephemeral storage and huge pages count bytes the same
    # way, so the same unit mistakes apply to them.
    if name in ("memory", "ephemeral-storage") or name.startswith("hugepages-"):
        return "bytes"
    # Anything else must be a fully qualified extended resource (vendor.com/gpu); the
    # kubernetes.io domain and the requests. prefix are reserved.
    if "/" in name and "kubernetes.io/" not in name and not name.startswith("requests."):
        return "extended"
    return None


def _overcommittable(name: str) -> bool:
    """The API requires request == limit for extended resources and huge pages."""
    return _resource_class(name) in ("cpu", "bytes") and not name.startswith("hugepages-")


def _max_cpu(context: Context) -> Decimal:
    return context.options(K8sOptions).max_cpu_per_container


def _value_problem(name: str, q: Quantity, max_cpu: Decimal) -> str | None:
    """What is wrong with one parsed, non-zero value of resource ``name``."""
    kind = _resource_class(name)
    if q.value < 0:
        return "is negative; the API rejects it"
    if kind == "cpu" and q.value > max_cpu:
        return f"exceeds k8s.max_cpu_per_container ({max_cpu:f} cores)"
    if kind == "bytes":
        amount = format(q.value.normalize(), "f")
        hint = f"write {q.number}Mi or {q.number}M" if q.suffix in ("", "m", "u", "n") else ""
        if q.suffix in _FRACTION_SUFFIXES:
            return f"means {amount} bytes ({q.suffix} is {_FRACTION_SUFFIXES[q.suffix]}); {hint}"
        # No unit at all (a bare number or an exponent such as 1e3) means bytes.
        unitless = q.suffix == "" or q.suffix[0] in "eE"
        if unitless and q.value < _MEBIBYTE:
            return f"has no unit: {amount} bytes; " + (hint or "write it in Mi or Gi")
    if kind == "extended" and q.value != q.value.to_integral_value():
        return "must be a whole number for an extended resource"
    return None


def _check_resources(
    ref: str, resources: object, base: Path, max_cpu: Decimal
) -> Iterator[Violation | Unknown]:
    """``resources`` of a container (or of the pod), found at the object-root path ``base``."""
    if resources is None:
        return
    if not isinstance(resources, Mapping):
        yield Violation(f"{ref} resources is not a mapping (type mismatch)", path=base)
        return
    parsed: dict[str, dict[str, Quantity]] = {}
    for section in _SECTIONS:
        values = resources.get(section)
        parsed[section] = {}
        if values is None:
            continue
        if not isinstance(values, Mapping):
            yield Violation(
                f"{ref} resources.{section} is not a mapping (type mismatch)",
                path=(*base, section),
            )
            continue
        for key, raw in values.items():
            name = str(key)
            where = (*base, section, key)
            field = f"{ref} resources.{section}.{name}"
            if raw is None:
                continue
            if _resource_class(name) is None:
                yield Violation(
                    f"{field}: {name!r} is not a container resource the API accepts"
                    " (cpu, memory, ephemeral-storage, hugepages-<size> or a vendor"
                    " domain/name); a typo?",
                    path=where,
                )
                continue
            if is_templated(raw):
                yield Unknown(f"{field} {raw!r} is a template expression")
                continue
            if isinstance(raw, bool):
                yield Violation(
                    f"{field} is the boolean {str(raw).lower()}, not a quantity (type mismatch;"
                    " YAML 1.1 reads yes/no/on/off as booleans)",
                    path=where,
                )
                continue
            try:
                q = parse_quantity(raw)
            except InvalidQuantity as exc:
                yield Violation(f"{field} is not a valid quantity: {exc}", path=where)
                continue
            parsed[section][name] = q
            if q.is_zero:
                continue  # zero requests and limits are K8S-010's finding
            problem = _value_problem(name, q, max_cpu)
            if problem is not None:
                yield Violation(f"{field} {raw!r} {problem}", path=where)

    requests, limits = parsed["requests"], parsed["limits"]
    for name, request in requests.items():
        where = (*base, "requests", name)
        limit = limits.get(name)
        declared = isinstance(resources.get("limits"), Mapping) and name in resources["limits"]
        if limit is None:
            if not _overcommittable(name) and not declared:
                yield Violation(
                    f"{ref} requests {name} without a limit; the API requires a limit"
                    " equal to the request for this resource",
                    path=where,
                )
            continue
        if request.value > limit.value:
            yield Violation(
                f"{ref} resources.requests.{name} {request.text!r} is greater than"
                f" limits.{name} {limit.text!r}; the API rejects the pod",
                path=where,
            )
        elif request.value != limit.value and not _overcommittable(name):
            yield Violation(
                f"{ref} resources.requests.{name} {request.text!r} differs from"
                f" limits.{name} {limit.text!r}; the API requires them to be equal"
                " for this resource",
                path=where,
            )


@policy(
    id="K8S-011",
    name="resource-values-valid",
    title="Resource requests and limits must be valid and sensible quantities",
    severity=Severity.MEDIUM,
    rationale=(
        "Resource quantities are easy to get subtly wrong. memory: 256 means 256 bytes and "
        "memory: 128m means 0.128 bytes, so the container is OOM-killed at start; a request "
        "above its limit, an unparseable value or a misspelt resource name makes the API "
        "server reject the whole workload at deploy time; a CPU figure far beyond any node "
        "leaves the pod unschedulable. All of these are visible in the manifest long "
        "before the rollout fails."
    ),
    remediation=(
        "Write memory and storage with a binary unit (256Mi, 1Gi), CPU in cores or "
        "millicores (250m, 1.5), keep every request at or below its limit, set extended "
        "resources (GPUs) to whole numbers with request equal to limit, and keep CPU "
        "within k8s.max_cpu_per_container (64 by default)."
    ),
    controls=("NSA-K8s-Resource-Policies",),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"
        "#resource-units-in-kubernetes",
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
              cpu: "2"
              memory: 512m
            limits:
              cpu: "1"
              memory: 1024
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
              cpu: 500m
              memory: 512Mi
            limits:
              cpu: "1"
              memory: 1Gi
""",
)
def resource_values_valid(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    max_cpu = _max_cpu(context)
    for c in k8s_object.containers():
        yield from _check_resources(c.ref, c.get("resources"), c.at("resources"), max_cpu)
    # Pod-level resources (PodLevelResources) are decoded and validated the same way.
    spec, spec_path = k8s_object.pod_spec, k8s_object.pod_spec_path
    if spec is not None and spec_path is not None and "resources" in spec:
        yield from _check_resources("pod", spec["resources"], (*spec_path, "resources"), max_cpu)
