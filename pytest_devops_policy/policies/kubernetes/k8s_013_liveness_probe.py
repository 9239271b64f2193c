"""K8S-013: long-running containers and native sidecars declare a safe liveness probe."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject, is_templated
from pytest_devops_policy.indexes.k8s_verdicts import each_unit, unless_doubtful
from pytest_devops_policy.knowledge.kubernetes.probes import (
    probe_handlers,
    probe_problems,
    probe_scope,
    probe_target,
    service_selection,
)
from pytest_devops_policy.options import K8sOptions

# The API server turns 0 (and absent) into these defaults.
_TIMING_DEFAULTS = (("initialDelaySeconds", 0), ("periodSeconds", 10), ("failureThreshold", 3))
_DEFAULT_GRACE = 30


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _minimum_grace(context: Context) -> float:
    return context.options(K8sOptions).min_liveness_grace


def _describe(target: tuple[object, ...]) -> str:
    handler = target[0]
    if handler == "httpGet":
        return f"httpGet {target[1]} on port {target[2]}"
    if handler == "exec":
        command = target[1]
        shown = " ".join(map(str, command)) if isinstance(command, tuple) else command
        return f"exec {shown!r}"
    if handler == "grpc" and target[2]:
        return f"grpc service {target[2]!r} on port {target[1]}"
    return f"{handler} on port {target[1]}"


def _success_threshold(c: Container, field: str, probe: Mapping[str, object]) -> Violation | None:
    """Liveness and startup probes must use successThreshold 1 (the API rejects others)."""
    raw = probe.get("successThreshold")
    if raw is None:
        return None
    value = _int(raw)
    if value is None:
        return Violation(
            f"{c.ref} {field}.successThreshold {raw!r} is not an integer (type mismatch)",
            path=c.at(field, "successThreshold"),
        )
    if value in (0, 1):  # 0 is defaulted to 1
        return None
    return Violation(
        f"{c.ref} {field}.successThreshold is {value}; the API accepts only 1 here",
        path=c.at(field, "successThreshold"),
    )


def _grace(
    c: Container, probe: Mapping[str, object], minimum: float
) -> Iterator[Violation | Unknown]:
    """Time a starting container gets before the kubelet restarts it (no startupProbe)."""
    values: dict[str, int] = {}
    for name, default in _TIMING_DEFAULTS:
        raw = probe.get(name)
        where = c.at("livenessProbe", name)
        if raw is None:
            values[name] = default
            continue
        if is_templated(raw):
            yield Unknown(f"{c.ref} livenessProbe.{name} {raw!r} is a template expression")
            return
        value = _int(raw)
        if value is None:
            yield Violation(
                f"{c.ref} livenessProbe.{name} {raw!r} is not an integer (type mismatch)",
                path=where,
            )
            return
        if value < 0:
            yield Violation(f"{c.ref} livenessProbe.{name} {value} is negative", path=where)
            return
        values[name] = value or default
    delay, period, failures = (values[name] for name, _ in _TIMING_DEFAULTS)
    grace = delay + period * failures
    if grace < minimum:
        yield Violation(
            f"{c.ref} livenessProbe restarts a container that is not live after {grace}s"
            f" (initialDelaySeconds {delay} + periodSeconds {period} x failureThreshold"
            f" {failures}) and there is no startupProbe; a slow start will restart-loop"
            f" (k8s.min_liveness_grace is {minimum:g}s)",
            path=c.at("livenessProbe"),
        )


@policy(
    id="K8S-013",
    name="liveness-probe",
    title="Long-running containers must declare a safe liveness probe",
    severity=Severity.MEDIUM,
    rationale=(
        "Without a liveness probe a deadlocked or wedged process keeps its pod Running "
        "forever: nothing restarts it and, if its readiness probe still answers, it keeps "
        "taking traffic. A liveness probe that checks the same thing as the readiness probe "
        "turns a failing dependency into a restart loop across every replica, and one that "
        "gives a slow-starting container too little time kills it before it ever comes up."
    ),
    remediation=(
        "Add a livenessProbe with exactly one handler to every container and native "
        "sidecar of long-running workloads. Make it check only that the process itself "
        "responds (a different endpoint, port or command than the readiness probe), and "
        "either add a startupProbe or give it initialDelaySeconds + periodSeconds x "
        "failureThreshold of at least k8s.min_liveness_grace seconds (30 by default)."
    ),
    references=(
        "checkov:CKV_K8S_8",
        "kube-linter:no-liveness-probe",
        "kube-linter:liveness-port",
        "kube-linter:startup-port",
        "kube-score:pod-probes",
        "kube-score:pod-probes-identical",
        "polaris:livenessProbeMissing",
    ),
    applies=probe_scope,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet: {path: /ready, port: http}
          livenessProbe:
            httpGet: {path: /ready, port: 8080}
            periodSeconds: 5
""",
    use_instead="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet: {path: /ready, port: http}
          startupProbe:
            httpGet: {path: /livez, port: http}
            periodSeconds: 5
            failureThreshold: 24
          livenessProbe:
            httpGet: {path: /livez, port: http}
            periodSeconds: 10
""",
)
def liveness_probe(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    if not context.options(K8sOptions).readiness_only_if_service:
        return _judge(k8s_object, context)  # no Service to look up: the same in every unit
    return each_unit(k8s_object, context, _in_unit)


def _in_unit(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    judged, doubt = service_selection(k8s_object, context)
    if judged:
        yield from unless_doubtful(_judge(k8s_object, context), doubt)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    minimum = _minimum_grace(context)
    # Plain init containers run to completion; the API rejects probes on them.
    for c in k8s_object.containers(kinds=("container", "sidecar")):
        startup = c.get("startupProbe")
        if startup is not None:
            yield from probe_problems(c, "startupProbe")
            if isinstance(startup, Mapping):
                found = _success_threshold(c, "startupProbe", startup)
                if found is not None:
                    yield found
        probe = c.get("livenessProbe")
        if probe is None:
            yield Violation(f"{c.ref} has no livenessProbe", path=c.path)
            continue
        yield from probe_problems(c, "livenessProbe")
        if not isinstance(probe, Mapping) or len(probe_handlers(probe)) != 1:
            continue
        found = _success_threshold(c, "livenessProbe", probe)
        if found is not None:
            yield found
        target = probe_target(c, probe)
        if target is not None and target == probe_target(c, c.get("readinessProbe")):
            yield Violation(
                f"{c.ref} livenessProbe checks the same as its readinessProbe"
                f" ({_describe(target)}): a failing dependency would restart the pod"
                " instead of only taking it out of rotation",
                path=c.at("livenessProbe"),
            )
        if startup is None:
            yield from _grace(c, probe, minimum)
