"""Container hardening knowledge shared by the securityContext and pod-spec policies.

Capability names (K8S-003, K8S-004), host paths (K8S-007), the Linux-only scope of
some securityContext fields (K8S-003, -004, -005, -008) and template detection.
"""

from __future__ import annotations

from collections.abc import Iterable

from pytest_devops_policy.formats.kubernetes.objects import K8sObject, is_templated

__all__ = [
    "DANGEROUS_CAPABILITIES",
    "LINUX_CAPABILITIES",
    "capability_name",
    "is_templated",
    "linux_workloads",
    "normalise_host_path",
    "path_within",
]


def linux_workloads(subject: object) -> bool:
    """``applies=`` predicate: workloads whose pods are not Windows pods.

    The API forbids the Linux-only securityContext fields (allowPrivilegeEscalation,
    capabilities, readOnlyRootFilesystem, seccompProfile...) when ``spec.os.name`` is
    ``windows``, so a policy requiring them has nothing to ask of such a pod.
    """
    return isinstance(subject, K8sObject) and subject.is_workload and not subject.is_windows


# Linux capabilities (capabilities(7)), without the CAP_ prefix. A name outside
# this set makes the container runtime refuse to create the container.
LINUX_CAPABILITIES = frozenset(
    {
        "AUDIT_CONTROL",
        "AUDIT_READ",
        "AUDIT_WRITE",
        "BLOCK_SUSPEND",
        "BPF",
        "CHECKPOINT_RESTORE",
        "CHOWN",
        "DAC_OVERRIDE",
        "DAC_READ_SEARCH",
        "FOWNER",
        "FSETID",
        "IPC_LOCK",
        "IPC_OWNER",
        "KILL",
        "LEASE",
        "LINUX_IMMUTABLE",
        "MAC_ADMIN",
        "MAC_OVERRIDE",
        "MKNOD",
        "NET_ADMIN",
        "NET_BIND_SERVICE",
        "NET_BROADCAST",
        "NET_RAW",
        "PERFMON",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYSLOG",
        "SYS_ADMIN",
        "SYS_BOOT",
        "SYS_CHROOT",
        "SYS_MODULE",
        "SYS_NICE",
        "SYS_PACCT",
        "SYS_PTRACE",
        "SYS_RAWIO",
        "SYS_RESOURCE",
        "SYS_TIME",
        "SYS_TTY_CONFIG",
        "WAKE_ALARM",
    }
)

# Capabilities that amount to a container escape or control of the node's network
# or kernel (catalog K8S-004); ALL includes every one of them.
DANGEROUS_CAPABILITIES = frozenset(
    {
        "ALL",
        "SYS_ADMIN",
        "NET_ADMIN",
        "NET_RAW",
        "SYS_PTRACE",
        "SYS_MODULE",
        "BPF",
        "PERFMON",
        "DAC_READ_SEARCH",
        "SYS_RAWIO",
    }
)


def capability_name(value: str) -> str:
    """The canonical name: container runtimes accept ``net_raw``, ``NET_RAW`` and
    ``CAP_NET_RAW`` alike."""
    name = value.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


def normalise_host_path(path: str) -> str:
    """A host path with ``//``, ``/./``, ``..`` and trailing slashes resolved lexically.

    ``..`` is resolved rather than kept so that ``/var/log/../../etc`` is judged as
    ``/etc`` (the API rejects ``..`` in a hostPath, but a linter must not be fooled
    by it). Relative paths stay relative.
    """
    absolute = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not absolute:
                parts.append(part)
            continue
        parts.append(part)
    joined = "/".join(parts)
    return "/" + joined if absolute else joined or "."


def path_within(path: str, prefixes: Iterable[str]) -> bool:
    """``path`` is one of ``prefixes`` or below one of them, component by component
    (``/var/log`` covers ``/var/log/pods`` but not ``/var/logs``). Both sides are
    expected to be normalised."""
    for prefix in prefixes:
        if prefix == "/" and path.startswith("/"):
            return True
        if path == prefix or path.startswith(prefix + "/"):
            return True
    return False
