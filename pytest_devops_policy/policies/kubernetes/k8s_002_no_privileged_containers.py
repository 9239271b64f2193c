"""K8S-002: no privileged containers and no Windows HostProcess containers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, is_true, workloads


@policy(
    id="K8S-002",
    name="no-privileged-containers",
    title="Containers must not run privileged",
    severity=Severity.CRITICAL,
    rationale=(
        "A privileged container gets every capability and the host's devices, and its "
        "confinement (seccomp, AppArmor, SELinux) is switched off; a Windows HostProcess "
        "container runs directly in the node's process space. Either is equivalent to root "
        "on the node: one compromised process owns the node and every pod scheduled on it."
    ),
    remediation=(
        "Remove securityContext.privileged: true and windowsOptions.hostProcess: true. Grant "
        "the single capability the workload needs instead, or run node agents that truly "
        "need host access under a reviewed waiver with a reason."
    ),
    controls=(
        "CIS-K8s-5.2.1",
        "NSA-K8s-Pod-Security",
        "PSS-Baseline-Privileged-Containers",
        "PSS-Baseline-HostProcess",
    ),
    references=(
        "checkov:CKV_K8S_16",
        "kube-linter:privileged-container",
        "kube-score:container-security-context-privileged",
        "polaris:runAsPrivileged",
        "trivy:AVD-KSV-0017",
        "trivy:AVD-KSV-0103",
    ),
    applies=workloads,
    example="""\
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: shell
      image: registry.example.com/tools:2.1.0
      securityContext:
        privileged: true
""",
    use_instead="""\
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: shell
      image: registry.example.com/tools:2.1.0
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: ["ALL"]
          add: ["NET_BIND_SERVICE"]
""",
)
def no_privileged_containers(k8s_object: K8sObject) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    for c in k8s_object.containers():
        sc = c.security_context
        if is_true(sc.get("privileged")):
            yield Violation(
                f"{c.ref} runs privileged (securityContext.privileged: true)",
                path=c.security_context_path("privileged"),
            )
        options = sc.get("windowsOptions")
        if isinstance(options, Mapping) and is_true(options.get("hostProcess")):
            where = " on the pod" if c.inherits("windowsOptions.hostProcess") else ""
            yield Violation(
                f"{c.ref} is a Windows HostProcess container"
                f" (windowsOptions.hostProcess: true{where})",
                path=c.security_context_path("windowsOptions.hostProcess"),
            )
