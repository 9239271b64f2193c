"""K8S-005: every container (init containers too) has a read-only root filesystem."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject
from pytest_devops_policy.knowledge.kubernetes.security import is_templated, linux_workloads

_FIELD = "readOnlyRootFilesystem"


def _judge(c: Container) -> Violation | Unknown | None:
    value = c.security_context.get(_FIELD)
    where = c.security_context_path(_FIELD)
    if value is True:
        return None
    if is_templated(value):
        return Unknown(f"{c.ref} sets {_FIELD} from a template expression {value!r}")
    if value is None:
        return Violation(f"{c.ref} does not set {_FIELD}: true", path=where)
    if value is False:
        return Violation(f"{c.ref} sets {_FIELD}: false", path=where)
    # "true" as a string is not a boolean: the API rejects it (catalog §2.2-2).
    return Violation(
        f"{c.ref} {_FIELD} {value!r} is not a boolean (type mismatch); set {_FIELD}: true",
        path=where,
    )


@policy(
    id="K8S-005",
    name="read-only-root-fs",
    title="Containers must run with a read-only root filesystem",
    severity=Severity.MEDIUM,
    rationale=(
        "A writable root filesystem lets an attacker who gains code execution drop tools, "
        "replace binaries and libraries, or persist a backdoor for as long as the container "
        "lives, and lets the application drift from the image that was reviewed and scanned. "
        "With a read-only root, everything writable is an explicit, size-limited volume."
    ),
    remediation=(
        "Set securityContext.readOnlyRootFilesystem: true on every container, init container "
        "and sidecar, and mount an emptyDir volume at each path the process writes to "
        "(/tmp, caches, PID or socket directories)."
    ),
    controls=("NSA-K8s-Pod-Security",),
    references=(
        "checkov:CKV_K8S_22",
        "kube-linter:no-read-only-root-fs",
        "kube-score:container-security-context-readonlyrootfilesystem",
        "polaris:notReadOnlyRootFilesystem",
        "trivy:AVD-KSV-0014",
    ),
    # Windows pods are exempt: the API forbids readOnlyRootFilesystem when
    # spec.os.name is windows.
    applies=linux_workloads,
    example="""\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
spec:
  serviceName: cache
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
        - name: cache
          image: registry.example.com/cache:7.2.4
          securityContext:
            readOnlyRootFilesystem: false
""",
    use_instead="""\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
spec:
  serviceName: cache
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
        - name: cache
          image: registry.example.com/cache:7.2.4
          securityContext:
            readOnlyRootFilesystem: true
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
""",
)
def read_only_root_fs(k8s_object: K8sObject) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    for c in k8s_object.containers():
        if is_templated(c.get("securityContext")):
            yield Unknown(f"{c.ref} securityContext is a template expression")
            continue
        finding = _judge(c)
        if finding is not None:
            yield finding
