"""K8S-004: every container drops ALL capabilities and adds back only allowlisted ones."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject
from pytest_devops_policy.knowledge.kubernetes.security import (
    DANGEROUS_CAPABILITIES,
    LINUX_CAPABILITIES,
    capability_name,
    is_templated,
    linux_workloads,
)
from pytest_devops_policy.options import K8sOptions


def _allowed(context: Context) -> frozenset[str]:
    # The setting replaces the default, so a team can allow nothing at all with [].
    value = context.options(K8sOptions).allowed_capabilities
    return frozenset(capability_name(v) for v in value)


def _drops_all(c: Container, caps: object) -> Iterator[Violation | Unknown]:
    where = c.security_context_path("capabilities")
    drop = caps.get("drop") if isinstance(caps, Mapping) else None
    if drop is None:
        yield Violation(f"{c.ref} does not drop ALL capabilities", path=(*where, "drop"))
        return
    if is_templated(drop):
        yield Unknown(f"{c.ref} capabilities.drop is a template expression")
        return
    if not isinstance(drop, list):
        yield Violation(
            f'{c.ref} capabilities.drop {drop!r} is not a list (type mismatch); use drop: ["ALL"]',
            path=(*where, "drop"),
        )
        return
    names = [capability_name(d) for d in drop if isinstance(d, str)]
    if "ALL" in names:
        return
    if any(is_templated(d) for d in drop):
        yield Unknown(f"{c.ref} capabilities.drop holds a template expression")
        return
    dropped = ", ".join(names) if names else "nothing"
    yield Violation(f"{c.ref} drops {dropped} but not ALL capabilities", path=(*where, "drop"))


def _adds(c: Container, caps: object, allowed: frozenset[str]) -> Iterator[Violation | Unknown]:
    add = caps.get("add") if isinstance(caps, Mapping) else None
    if add is None:
        return
    where = (*c.security_context_path("capabilities"), "add")
    if is_templated(add):
        yield Unknown(f"{c.ref} capabilities.add is a template expression")
        return
    if not isinstance(add, list):
        yield Violation(
            f"{c.ref} capabilities.add {add!r} is not a list (type mismatch)", path=where
        )
        return
    for i, raw in enumerate(add):
        if is_templated(raw):
            yield Unknown(f"{c.ref} capabilities.add[{i}] is a template expression {raw!r}")
            continue
        if not isinstance(raw, str):
            yield Violation(
                f"{c.ref} capabilities.add[{i}] {raw!r} is not a capability name (type mismatch)",
                path=(*where, i),
            )
            continue
        name = capability_name(raw)
        # An explicit allowlist entry is a reviewed decision, dangerous or not
        # (a CNI plugin's NET_ADMIN, for instance).
        if name in allowed:
            continue
        if name in DANGEROUS_CAPABILITIES:
            what = "every capability" if name == "ALL" else f"the dangerous capability {raw}"
            yield Violation(f"{c.ref} adds {what}", path=(*where, i), severity=Severity.HIGH)
        elif name not in LINUX_CAPABILITIES:
            yield Violation(
                f"{c.ref} adds {raw!r}, which is not a Linux capability"
                " (the container runtime will refuse to start the container)",
                path=(*where, i),
            )
        else:
            yield Violation(
                f"{c.ref} adds capability {raw}, which is not in k8s.allowed_capabilities",
                path=(*where, i),
            )


@policy(
    id="K8S-004",
    name="drop-all-capabilities",
    title="Containers must drop ALL capabilities and add back only what they need",
    severity=Severity.MEDIUM,
    rationale=(
        "Container runtimes grant a default set of Linux capabilities (NET_RAW, CHOWN, "
        "SETUID, DAC_OVERRIDE, ...) that most services never use. Each one widens what a "
        "compromised process can do: NET_RAW allows ARP and DNS spoofing on the pod network, "
        "SETUID/SETGID let it change identity. Adding SYS_ADMIN, NET_ADMIN, SYS_PTRACE, "
        "SYS_MODULE, BPF and the like hands it a likely container escape."
    ),
    remediation=(
        'Set securityContext.capabilities.drop: ["ALL"] on every container, init container '
        "and sidecar, and add back only the capabilities the process needs (typically "
        "NET_BIND_SERVICE to bind a port below 1024, or none). Allow further capabilities "
        "for reviewed workloads with k8s.allowed_capabilities."
    ),
    controls=(
        "CIS-K8s-5.2.7",
        "CIS-K8s-5.2.8",
        "CIS-K8s-5.2.9",
        "NSA-K8s-Pod-Security",
        "PSS-Baseline-Capabilities",
        "PSS-Restricted-Capabilities",
    ),
    references=(
        "checkov:CKV_K8S_25",
        "checkov:CKV_K8S_28",
        "checkov:CKV_K8S_37",
        "checkov:CKV_K8S_39",
        "kube-linter:drop-net-raw-capability",
        "polaris:insecureCapabilities",
        "polaris:dangerousCapabilities",
        "trivy:AVD-KSV-0003",
        "trivy:AVD-KSV-0004",
        "trivy:AVD-KSV-0005",
        "trivy:AVD-KSV-0022",
        "trivy:AVD-KSV-0106",
        "trivy:AVD-KSV-0119",
        "trivy:AVD-KSV-0120",
    ),
    # Windows pods are exempt: the API forbids capabilities when spec.os.name is windows.
    applies=linux_workloads,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: proxy
spec:
  selector:
    matchLabels: {app: proxy}
  template:
    metadata:
      labels: {app: proxy}
    spec:
      containers:
        - name: proxy
          image: registry.example.com/proxy:2.8.1
          securityContext:
            capabilities:
              add: ["NET_ADMIN", "NET_BIND_SERVICE"]
""",
    use_instead="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: proxy
spec:
  selector:
    matchLabels: {app: proxy}
  template:
    metadata:
      labels: {app: proxy}
    spec:
      containers:
        - name: proxy
          image: registry.example.com/proxy:2.8.1
          securityContext:
            capabilities:
              drop: ["ALL"]
              add: ["NET_BIND_SERVICE"]
""",
)
def drop_all_capabilities(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    allowed = _allowed(context)
    for c in k8s_object.containers():
        if is_templated(c.get("securityContext")):
            yield Unknown(f"{c.ref} securityContext is a template expression")
            continue
        caps = c.security_context.get("capabilities")
        if is_templated(caps):
            yield Unknown(f"{c.ref} capabilities is a template expression")
            continue
        if caps is not None and not isinstance(caps, Mapping):
            yield Violation(
                f"{c.ref} capabilities {caps!r} is not a mapping (type mismatch)",
                path=c.security_context_path("capabilities"),
            )
            continue
        yield from _drops_all(c, caps)
        yield from _adds(c, caps, allowed)
