"""K8S-012: long-running containers and native sidecars declare a valid readiness probe.

``k8s.readiness_only_if_service = true`` limits the check to pods a Service of
their deployment unit selects (kube-score's behaviour; a Service whose namespace
may or may not be the pods' makes a finding Unknown); by default every long-running
workload is judged, because traffic also arrives through meshes and ingresses.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject
from pytest_devops_policy.indexes.k8s_verdicts import each_unit, unless_doubtful
from pytest_devops_policy.knowledge.kubernetes.probes import (
    probe_problems,
    probe_scope,
    service_selection,
)
from pytest_devops_policy.options import K8sOptions


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
            httpGet:
              path: /healthz/ready
              port: http
            periodSeconds: 5
""",
)
def readiness_probe(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    if not context.options(K8sOptions).readiness_only_if_service:
        return _judge(k8s_object)  # no Service to look up: the same in every unit
    return each_unit(k8s_object, context, _in_unit)


def _in_unit(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    judged, doubt = service_selection(k8s_object, context)
    if judged:
        yield from unless_doubtful(_judge(k8s_object), doubt)


def _judge(k8s_object: K8sObject) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    # Plain init containers run to completion; the API rejects probes on them.
    for c in k8s_object.containers(kinds=("container", "sidecar")):
        if c.get("readinessProbe") is None:
            yield Violation(f"{c.ref} has no readinessProbe", path=c.path)
            continue
        yield from probe_problems(c, "readinessProbe")
