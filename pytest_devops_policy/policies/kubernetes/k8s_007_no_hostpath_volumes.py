"""K8S-007: pods mount no hostPath volumes (critical for runtime sockets and system paths)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, workloads
from pytest_devops_policy.knowledge.kubernetes.security import (
    is_templated,
    normalise_host_path,
    path_within,
)
from pytest_devops_policy.options import K8sOptions

# Catalog K8S-007's critical paths, normalised. /var/run is a symlink to /run on every
# current distribution, so paths are compared with /var/run spelled /run.
_CRITICAL_DIRS = (
    "/",
    "/etc",
    "/proc",
    "/sys",
    "/var/lib/kubelet",
    "/root",
    "/home",
    "/boot",
    "/dev",
)
_RUNTIME_SOCKETS = (
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/run/crio/crio.sock",
)
# A runtime's API socket is critical wherever it lives (rootless Docker, k3s, cri-dockerd).
_SOCKET_NAMES = frozenset(
    {
        "docker.sock",
        "containerd.sock",
        "crio.sock",
        "cri-dockerd.sock",
        "dockershim.sock",
        "podman.sock",
    }
)
# The same API sockets on Windows nodes are named pipes.
_WINDOWS_PIPES = frozenset({r"\\.\pipe\docker_engine", r"\\.\pipe\containerd-containerd"})


def _canonical(path: str) -> str:
    path = normalise_host_path(path)
    if path == "/var/run" or path.startswith("/var/run/"):
        return "/run" + path[len("/var/run") :]
    return path


def _critical(raw: str) -> str | None:
    """Why mounting the host path ``raw`` hands the pod the node, or None."""
    if raw.replace("/", "\\").lower() in _WINDOWS_PIPES:
        return "the container runtime's named pipe: full control of every container on the node"
    path = _canonical(raw)
    if path in _RUNTIME_SOCKETS or path.rsplit("/", 1)[-1] in _SOCKET_NAMES:
        return "the container runtime socket: full control of every container on the node"
    if path in _CRITICAL_DIRS:
        return f"{path} is a sensitive host directory"
    # A parent of a critical path exposes it too: /var holds /var/run/docker.sock. The
    # parent is looked for under both spellings of /run.
    spelled = normalise_host_path(raw)
    for target in (*_RUNTIME_SOCKETS, *_CRITICAL_DIRS):
        for shown in (target, "/var" + target) if target.startswith("/run/") else (target,):
            if path_within(shown, (spelled,)):
                return f"it contains {shown}"
    return None


def _allowed(context: Context) -> tuple[str, ...]:
    value = context.options(K8sOptions).allowed_host_paths
    return tuple(_canonical(v) for v in value if v.strip())


def _mounts(k8s_object: K8sObject, volume: str) -> str:
    """How the containers mount the volume, for the message."""
    writable: list[str] = []
    read_only = 0
    for c in k8s_object.containers():
        mounts = c.get("volumeMounts")
        for m in mounts if isinstance(mounts, list) else ():
            if isinstance(m, Mapping) and m.get("name") == volume:
                if m.get("readOnly") is True:
                    read_only += 1
                else:
                    writable.append(c.ref)
    if writable:
        return f"; mounted writable by {', '.join(dict.fromkeys(writable))}"
    if read_only:
        return "; mounted read-only, which still exposes it"
    return ""


def _judge(
    k8s_object: K8sObject, i: int, volume: Mapping[str, Any], allowed: tuple[str, ...]
) -> Violation | Unknown | None:
    spec_path = k8s_object.pod_spec_path or ()
    name = volume.get("name")
    label = f"volumes[{name if isinstance(name, str) else i}]"
    host = volume["hostPath"]
    where = (*spec_path, "volumes", i, "hostPath")
    if is_templated(host):
        return Unknown(f"{label} hostPath is a template expression")
    raw = host.get("path") if isinstance(host, Mapping) else None
    if is_templated(raw):
        return Unknown(f"{label} hostPath.path is a template expression {raw!r}")
    if not isinstance(raw, str) or not raw.strip():
        return Violation(f"{label} is a hostPath volume with no usable path", path=where)
    path = _canonical(raw)
    why = _critical(raw)
    if why is None:
        if path_within(path, allowed):
            return None
    # A broad allowlist entry (/var) must not quietly admit a critical path below
    # it (/var/run/docker.sock): those are only allowed when listed exactly.
    elif path in allowed:
        return None
    mounts = _mounts(k8s_object, name) if isinstance(name, str) else ""
    if why is not None:
        return Violation(
            f"{label} mounts the host path {raw} ({why}){mounts}",
            path=(*where, "path"),
            severity=Severity.CRITICAL,
        )
    return Violation(
        f"{label} mounts the host path {raw}, which is not in k8s.allowed_host_paths{mounts}",
        path=(*where, "path"),
    )


@policy(
    id="K8S-007",
    name="no-hostpath-volumes",
    title="Pods must not mount hostPath volumes",
    severity=Severity.HIGH,
    rationale=(
        "A hostPath volume gives the pod the node's own files. The container runtime socket "
        "(docker.sock, containerd.sock, crio.sock) means control of every container on the "
        "node; /, /etc, /proc, /sys, /dev, /var/lib/kubelet, /root, /home and /boot expose "
        "credentials, kernel interfaces and other pods' data, and a writable one lets the pod "
        "plant files the node will execute. Even a read-only mount leaks host data and ties "
        "the pod to one node's file layout."
    ),
    remediation=(
        "Use emptyDir for scratch space, a PersistentVolumeClaim for data, and ConfigMaps, "
        "Secrets or projected volumes for configuration. Node agents that must read a host "
        "directory (log shippers reading /var/log) get it listed in k8s.allowed_host_paths "
        "(path prefixes), mounted readOnly; list a critical path itself to allow it."
    ),
    controls=("NSA-K8s-Pod-Security", "PSS-Baseline-HostPathVolumes", "PSS-Restricted-VolumeTypes"),
    references=(
        "checkov:CKV_K8S_27",
        "kube-linter:docker-sock",
        "kube-linter:sensitive-host-mounts",
        "kube-linter:writable-host-mount",
        "trivy:AVD-KSV-0006",
        "trivy:AVD-KSV-0023",
        "trivy:AVD-KSV-0121",
    ),
    applies=workloads,
    example="""\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: builder
spec:
  selector:
    matchLabels: {app: builder}
  template:
    metadata:
      labels: {app: builder}
    spec:
      containers:
        - name: builder
          image: registry.example.com/builder:4.0.2
          volumeMounts:
            - name: docker
              mountPath: /var/run/docker.sock
      volumes:
        - name: docker
          hostPath:
            path: /var/run/docker.sock
            type: Socket
""",
    use_instead="""\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: builder
spec:
  selector:
    matchLabels: {app: builder}
  template:
    metadata:
      labels: {app: builder}
    spec:
      containers:
        - name: builder
          image: registry.example.com/builder:4.0.2
          volumeMounts:
            - name: workspace
              mountPath: /workspace
      volumes:
        - name: workspace
          emptyDir:
            sizeLimit: 2Gi
""",
)
def no_hostpath_volumes(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    volumes = (k8s_object.pod_spec or {}).get("volumes")
    if is_templated(volumes):
        yield Unknown("the pod's volumes are a template expression")
        return
    allowed = _allowed(context)
    for i, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        if isinstance(volume, Mapping) and volume.get("hostPath") is not None:
            finding = _judge(k8s_object, i, volume, allowed)
            if finding is not None:
                yield finding
