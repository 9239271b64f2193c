"""K8S-012: long-running containers and native sidecars declare a valid readiness probe.

Not yet honoured: ``k8s.readiness_only_if_service`` (limit the check to pods
selected by a Service), which needs the cross-object Kubernetes index.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ...api import Severity, Unknown, Violation, policy
from ...formats.kubernetes import Container, K8sObject, long_running_workloads

_HANDLERS = ("httpGet", "tcpSocket", "exec", "grpc")


def _port_names(c: Container) -> set[str]:
    ports = c.get("ports")
    if not isinstance(ports, list):
        return set()
    return {p["name"] for p in ports if isinstance(p, Mapping) and isinstance(p.get("name"), str)}


def _port_problems(c: Container, probe: Mapping[str, object]) -> Iterator[Violation]:
    for handler in ("httpGet", "tcpSocket", "grpc"):
        action = probe.get(handler)
        if not isinstance(action, Mapping):
            continue
        where = c.at("readinessProbe", handler, "port")
        port = action.get("port")
        if port is None:
            yield Violation(f"{c.ref} readinessProbe {handler} has no port", path=where)
        elif isinstance(port, str) and handler == "grpc":
            yield Violation(
                f"{c.ref} readinessProbe grpc.port {port!r} must be a number", path=where
            )
        elif isinstance(port, str) and port not in _port_names(c):
            hint = (
                f"; write the number {port} without quotes"
                if port.isdigit()
                else ": no ports[] entry of this container has that name"
            )
            yield Violation(
                f"{c.ref} readinessProbe {handler}.port {port!r} does not resolve{hint}",
                path=where,
            )


@policy(
    id="K8S-012",
    name="readiness-probe",
    title="Long-running containers must declare a readiness probe",
    severity=Severity.HIGH,
    rationale=(
        "Without a readiness probe a pod receives traffic the moment its process starts, "
        "before it can answer, and keeps receiving it while it is overloaded or has lost a "
        "dependency. A rolling update then replaces healthy pods with pods that are not "
        "ready, so a bad release takes the service down instead of stalling harmlessly."
    ),
    remediation=(
        "Add a readinessProbe with exactly one handler (httpGet, tcpSocket, exec or grpc) to "
        "every container and native sidecar of long-running workloads. A named port must "
        "match a ports[].name of the same container."
    ),
    references=(
        "checkov:CKV_K8S_9",
        "kube-linter:no-readiness-probe",
        "kube-linter:readiness-port",
        "kube-score:pod-probes",
        "polaris:readinessProbeMissing",
    ),
    applies=long_running_workloads,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports:
            - name: http
              containerPort: 8080
""",
    use_instead="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /healthz/ready
              port: http
            periodSeconds: 5
""",
)
def readiness_probe(k8s_object: K8sObject) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    # Plain init containers run to completion; the API rejects probes on them.
    for c in k8s_object.containers(kinds=("container", "sidecar")):
        probe = c.get("readinessProbe")
        if probe is None:
            yield Violation(f"{c.ref} has no readinessProbe", path=c.path)
            continue
        if not isinstance(probe, Mapping):
            yield Violation(
                f"{c.ref} readinessProbe is not a mapping (type mismatch)",
                path=c.at("readinessProbe"),
            )
            continue
        handlers = [h for h in _HANDLERS if probe.get(h) is not None]
        if not handlers:
            yield Violation(
                f"{c.ref} readinessProbe has no handler (one of {', '.join(_HANDLERS)})",
                path=c.at("readinessProbe"),
            )
        elif len(handlers) > 1:
            yield Violation(
                f"{c.ref} readinessProbe has {len(handlers)} handlers"
                f" ({', '.join(handlers)}); exactly one is allowed",
                path=c.at("readinessProbe"),
            )
        yield from _port_problems(c, probe)
