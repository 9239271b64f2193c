"""K8S-003: every container (init containers too) sets allowPrivilegeEscalation: false."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject, is_true
from pytest_devops_policy.knowledge.kubernetes.security import (
    capability_name,
    is_templated,
    linux_workloads,
)

_FIELD = "allowPrivilegeEscalation"


def _implied(c: Container) -> list[tuple[str, tuple[PathPart, ...]]]:
    """What makes escalation possible whatever allowPrivilegeEscalation says; the API
    even rejects allowPrivilegeEscalation: false next to privileged or CAP_SYS_ADMIN."""
    found: list[tuple[str, tuple[PathPart, ...]]] = []
    sc = c.security_context
    if is_true(sc.get("privileged")):
        found.append(("it runs privileged", c.security_context_path("privileged")))
    caps = sc.get("capabilities")
    add = caps.get("add") if isinstance(caps, Mapping) else None
    for i, raw in enumerate(add if isinstance(add, list) else ()):
        # ALL includes SYS_ADMIN, so it implies escalation as much as SYS_ADMIN does.
        name = capability_name(raw) if isinstance(raw, str) else None
        if name in ("SYS_ADMIN", "ALL"):
            where = (*c.security_context_path("capabilities"), "add", i)
            extra = " (which includes SYS_ADMIN)" if name == "ALL" else ""
            found.append((f"it adds capability {raw}{extra}", where))
    return found


def _judge(c: Container) -> Violation | Unknown | None:
    sc = c.security_context
    value = sc.get(_FIELD)
    where = c.security_context_path(_FIELD)
    implied = _implied(c)
    if implied:
        reasons = " and ".join(reason for reason, _ in implied)
        return Violation(
            f"{c.ref} can always escalate privileges because {reasons};"
            " allowPrivilegeEscalation: false cannot turn that off",
            path=implied[0][1],
        )
    if value is False:
        return None
    if is_templated(value):
        return Unknown(f"{c.ref} sets {_FIELD} from a template expression {value!r}")
    if value is None:
        # Absent means true: the kernel's no_new_privs flag is only set on request.
        return Violation(
            f"{c.ref} does not set {_FIELD}: false (absent means true)",
            path=where,
        )
    if value is True:
        return Violation(f"{c.ref} sets {_FIELD}: true", path=where)
    # "false" as a string is not a boolean: the API rejects it, so nothing is enforced.
    return Violation(
        f"{c.ref} {_FIELD} {value!r} is not a boolean (type mismatch); set {_FIELD}: false",
        path=where,
    )


@policy(
    id="K8S-003",
    name="no-privilege-escalation",
    title="Containers must set allowPrivilegeEscalation: false",
    severity=Severity.HIGH,
    rationale=(
        "Unless allowPrivilegeEscalation is false, the container's processes run without the "
        "kernel's no_new_privs flag, so a setuid or file-capability binary in the image (su, "
        "sudo, ping, a planted one) can raise a compromised process above the privileges the "
        "pod was given. The field defaults to true, so only an explicit false protects. A "
        "privileged container, or one granted CAP_SYS_ADMIN, can always escalate."
    ),
    remediation=(
        "Set securityContext.allowPrivilegeEscalation: false on every container, init "
        "container and sidecar (it is a container-level field; the pod securityContext has "
        "no such field). Remove privileged: true and the SYS_ADMIN capability, which make "
        "escalation possible regardless."
    ),
    controls=("CIS-K8s-5.2.5", "NSA-K8s-Pod-Security", "PSS-Restricted-allowPrivilegeEscalation"),
    references=(
        "checkov:CKV_K8S_20",
        "kube-linter:privilege-escalation-container",
        "polaris:privilegeEscalationAllowed",
        "trivy:AVD-KSV-0001",
    ),
    # Windows pods are exempt: the API forbids allowPrivilegeEscalation when
    # spec.os.name is windows (as it does the fields of K8S-004, -005 and -008).
    applies=linux_workloads,
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
      initContainers:
        - name: migrate
          image: registry.example.com/migrate:2.0.1
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          securityContext:
            allowPrivilegeEscalation: true
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
      initContainers:
        - name: migrate
          image: registry.example.com/migrate:2.0.1
          securityContext:
            allowPrivilegeEscalation: false
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          securityContext:
            allowPrivilegeEscalation: false
""",
)
def no_privilege_escalation(k8s_object: K8sObject) -> Iterator[Violation | Unknown]:
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
