"""K8S-001: every container (init containers too) runs as a non-root user."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject, is_true, workloads


def _uid(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _from_pod(c: Container, name: str) -> str:
    return " (inherited from the pod securityContext)" if c.inherits(name) else ""


def _linux_user(c: Container) -> Violation | None:
    sc = c.security_context
    non_root = sc.get("runAsNonRoot")
    if "runAsUser" in sc:
        uid = _uid(sc["runAsUser"])
        where = c.security_context_path("runAsUser")
        note = _from_pod(c, "runAsUser")
        if uid is None or uid < 0:
            return Violation(
                f"{c.ref} runAsUser {sc['runAsUser']!r} is not a valid numeric UID"
                f" (type mismatch; the API rejects it){note}",
                path=where,
            )
        if uid > 0:
            return None
        if is_true(non_root):
            # The kubelet refuses to start such a container: a broken rollout, not a root one.
            return Violation(
                f"{c.ref} sets runAsNonRoot: true but runAsUser: 0{note};"
                " the kubelet will refuse to start it",
                path=where,
            )
        return Violation(f"{c.ref} runs as root: runAsUser is 0{note}", path=where)
    if is_true(non_root):
        return None
    if "runAsNonRoot" not in sc:
        return Violation(f"{c.ref} may run as root: no runAsNonRoot and no runAsUser", path=c.path)
    where = c.security_context_path("runAsNonRoot")
    note = _from_pod(c, "runAsNonRoot")
    if non_root is False:
        return Violation(
            f"{c.ref} may run as root: runAsNonRoot is false{note} and no runAsUser is set",
            path=where,
        )
    # "true" as a string is not a boolean: the API rejects it, so nothing is enforced.
    return Violation(
        f"{c.ref} may run as root: runAsNonRoot {non_root!r} is not a boolean"
        f" (type mismatch){note} and no runAsUser is set",
        path=where,
    )


def _windows_user(c: Container) -> Violation | None:
    options = c.security_context.get("windowsOptions")
    user = options.get("runAsUserName") if isinstance(options, Mapping) else None
    if isinstance(user, str) and user.strip():
        if user.strip().casefold() != "containeradministrator":
            return None
        return Violation(
            f"{c.ref} runs as ContainerAdministrator: windowsOptions.runAsUserName"
            f"{_from_pod(c, 'windowsOptions.runAsUserName')}",
            path=c.security_context_path("windowsOptions.runAsUserName"),
        )
    if is_true(c.security_context.get("runAsNonRoot")):
        return None
    return Violation(
        f"{c.ref} may run as ContainerAdministrator: no windowsOptions.runAsUserName"
        " and no runAsNonRoot",
        path=c.path,
    )


@policy(
    id="K8S-001",
    name="run-as-non-root",
    title="Containers must run as a non-root user",
    severity=Severity.HIGH,
    rationale=(
        "A process running as UID 0 keeps root's powers over everything the container can "
        "reach: mounted volumes, the service-account token, and the host itself after any "
        "container escape. Nothing in the image guarantees a non-root user unless the pod "
        "asks the kubelet to enforce it. Group 0 is a weaker variant of the same problem: "
        "files owned by root's group become writable."
    ),
    remediation=(
        "Set securityContext.runAsNonRoot: true and a numeric runAsUser above 0 (10000 or "
        "more keeps clear of host accounts), on the pod or on every container including "
        "init containers. Use a non-zero runAsGroup and keep 0 out of supplementalGroups. "
        "Windows pods set windowsOptions.runAsUserName to a non-administrator account."
    ),
    controls=("CIS-K8s-5.2.6", "NSA-K8s-Pod-Security", "PSS-Restricted-runAsNonRoot"),
    references=(
        "checkov:CKV_K8S_23",
        "checkov:CKV_K8S_40",
        "kube-linter:run-as-non-root",
        "kube-score:container-security-context-user-group-id",
        "polaris:runAsRootAllowed",
        "trivy:AVD-KSV-0012",
        "trivy:AVD-KSV-0020",
        "trivy:AVD-KSV-0105",
        "trivy:AVD-KSV-0116",
    ),
    applies=workloads,
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
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
""",
)
def run_as_non_root(k8s_object: K8sObject) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    windows = k8s_object.is_windows
    for c in k8s_object.containers():
        user = _windows_user(c) if windows else _linux_user(c)
        if user is not None:
            yield user
        # runAsGroup does not exist on Windows; the API rejects it there.
        if not windows and _uid(c.security_context.get("runAsGroup")) == 0:
            yield Violation(
                f"{c.ref} runs with primary group 0 (runAsGroup: 0){_from_pod(c, 'runAsGroup')}",
                path=c.security_context_path("runAsGroup"),
                severity=Severity.MEDIUM,
            )
    # supplementalGroups is pod-only, so it is reported once, not per container.
    spec = k8s_object.pod_spec or {}
    pod_sc = spec.get("securityContext")
    groups = pod_sc.get("supplementalGroups") if isinstance(pod_sc, Mapping) else None
    if isinstance(groups, list) and any(_uid(g) == 0 for g in groups):
        spec_path = k8s_object.pod_spec_path or ()
        yield Violation(
            "the pod adds group 0 to every container (securityContext.supplementalGroups)",
            path=(*spec_path, "securityContext", "supplementalGroups"),
            severity=Severity.MEDIUM,
        )
