"""K8S-008: every container (init containers too) runs under a seccomp profile.

The effective ``seccompProfile`` (the container's, else the pod's) must be
``RuntimeDefault`` or ``Localhost``. Manifests older than Kubernetes 1.19 used
annotations instead. Those are deprecated since 1.19 and no longer honoured by
current clusters (support was dropped between 1.25 and 1.27), but they are
still accepted here when they name ``runtime/default``, ``docker/default`` or a
``localhost/`` profile, so that old manifests are not failed for a setting they
do make (the outcome is a plain pass; there is no "note" outcome). A field-level
``seccompProfile`` (pod or container) always wins over an annotation: on a
current cluster the annotations do nothing, so the field is what applies.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject
from pytest_devops_policy.knowledge.kubernetes.security import is_templated, linux_workloads

_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"
_SAFE_TYPES = ("RuntimeDefault", "Localhost")
_SAFE_ANNOTATIONS = ("runtime/default", "docker/default")

Path = tuple[PathPart, ...]


def _field(c: Container) -> Violation | Unknown | None:
    profile = c.security_context["seccompProfile"]
    where = c.security_context_path("seccompProfile")
    note = " (inherited from the pod securityContext)" if c.inherits("seccompProfile") else ""
    if is_templated(profile):
        return Unknown(f"{c.ref} seccompProfile is a template expression")
    if not isinstance(profile, Mapping):
        return Violation(
            f"{c.ref} seccompProfile {profile!r} is not a mapping (type mismatch){note}",
            path=where,
        )
    kind = profile.get("type")
    if is_templated(kind):
        return Unknown(f"{c.ref} seccompProfile.type is a template expression {kind!r}")
    if kind == "RuntimeDefault":
        return None
    if kind == "Localhost":
        name = profile.get("localhostProfile")
        if is_templated(name) or (isinstance(name, str) and name.strip()):
            return None
        return Violation(
            f"{c.ref} seccompProfile type Localhost names no localhostProfile{note}"
            " (the API rejects it)",
            path=(*where, "type"),
        )
    if kind == "Unconfined":
        return Violation(
            f"{c.ref} runs without syscall filtering: seccompProfile type Unconfined{note}",
            path=(*where, "type"),
        )
    if kind is None:
        return Violation(f"{c.ref} seccompProfile sets no type{note}", path=where)
    # The API's enum is case-sensitive: runtimeDefault or "runtime/default" are rejected.
    return Violation(
        f"{c.ref} seccompProfile type {kind!r} is not RuntimeDefault or Localhost{note}"
        " (the API rejects it)",
        path=(*where, "type"),
    )


def _annotation(c: Container, key: str, value: object, where: Path) -> Violation | Unknown | None:
    if is_templated(value):
        return Unknown(f"{c.ref} annotation {key} is a template expression {value!r}")
    if not isinstance(value, str):
        return Violation(
            f"{c.ref} annotation {key} {value!r} is not a string (type mismatch)", path=where
        )
    text = value.strip()
    # Deprecated annotation forms, accepted (see the module docstring).
    if text in _SAFE_ANNOTATIONS or (text.startswith("localhost/") and len(text) > 10):
        return None
    if text == "unconfined":
        return Violation(
            f"{c.ref} runs without syscall filtering: annotation {key}: unconfined", path=where
        )
    return Violation(
        f"{c.ref} annotation {key}: {value!r} is not runtime/default, docker/default"
        " or localhost/<profile>",
        path=where,
    )


def _judge(k8s_object: K8sObject, c: Container) -> Violation | Unknown | None:
    if "seccompProfile" in c.security_context:
        return _field(c)
    pod_sc = (k8s_object.pod_spec or {}).get("securityContext")
    if is_templated(pod_sc):
        return Unknown("the pod securityContext is a template expression")
    annotations = k8s_object.pod_template_metadata.get("annotations")
    annotations = annotations if isinstance(annotations, Mapping) else {}
    base = (*(k8s_object.pod_spec_path or ("spec",))[:-1], "metadata", "annotations")
    keys = [_POD_ANNOTATION]
    if c.name is not None:
        keys.insert(0, _CONTAINER_ANNOTATION + c.name)
    for key in keys:
        if key in annotations:
            return _annotation(c, key, annotations[key], (*base, key))
    hint = ""
    own = k8s_object.annotations
    if k8s_object.kind_name != "Pod" and any(k in own for k in keys):
        hint = (
            f"; the seccomp annotation on the {k8s_object.kind_name}'s own metadata has no"
            " effect (it belongs on the pod template)"
        )
    return Violation(
        f"{c.ref} sets no seccompProfile (absent means Unconfined unless the kubelet"
        f" enables seccompDefault){hint}",
        path=c.security_context_path("seccompProfile"),
    )


@policy(
    id="K8S-008",
    name="seccomp-runtime-default",
    title="Containers must run with the RuntimeDefault (or a Localhost) seccomp profile",
    severity=Severity.MEDIUM,
    rationale=(
        "Without a seccomp profile a container may call every system call the kernel offers, "
        "including the rarely used ones behind most container-escape and kernel exploits "
        "(keyctl, unshare, ptrace, bpf, mount). Kubernetes runs pods Unconfined unless the "
        "profile is set (or the kubelet enables seccompDefault, which a manifest cannot rely "
        "on). The runtime's default profile blocks those calls and breaks almost no "
        "application."
    ),
    remediation=(
        "Set securityContext.seccompProfile.type: RuntimeDefault on the pod (every container "
        "inherits it) or on each container, or type: Localhost with a localhostProfile "
        "tailored to the workload. Replace the deprecated seccomp.security.alpha.kubernetes.io "
        "annotations with the field: current clusters ignore them."
    ),
    controls=(
        "CIS-K8s-5.7.2",
        "NSA-K8s-Pod-Security",
        "PSS-Baseline-Seccomp",
        "PSS-Restricted-Seccomp",
    ),
    references=(
        "checkov:CKV_K8S_31",
        "kube-score:container-seccomp-profile",
        "polaris:linuxHardening",
        "trivy:AVD-KSV-0030",
        "trivy:AVD-KSV-0104",
    ),
    # Windows pods are exempt: the API forbids seccompProfile when spec.os.name is windows.
    applies=linux_workloads,
    example="""\
apiVersion: batch/v1
kind: Job
metadata:
  name: import
spec:
  template:
    spec:
      restartPolicy: Never
      securityContext:
        seccompProfile:
          type: Unconfined
      containers:
        - name: import
          image: registry.example.com/import:3.1.0
""",
    use_instead="""\
apiVersion: batch/v1
kind: Job
metadata:
  name: import
spec:
  template:
    spec:
      restartPolicy: Never
      securityContext:
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: import
          image: registry.example.com/import:3.1.0
""",
)
def seccomp_runtime_default(k8s_object: K8sObject) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    for c in k8s_object.containers():
        if is_templated(c.get("securityContext")):
            yield Unknown(f"{c.ref} securityContext is a template expression")
            continue
        finding = _judge(k8s_object, c)
        if finding is not None:
            yield finding
