"""K8S-006: pods share no namespace with the node and bind no host port."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject, is_true, workloads
from pytest_devops_policy.knowledge.kubernetes.security import is_templated

_NAMESPACES = (
    ("hostNetwork", "network namespace: it sees node-local services and can sniff node traffic"),
    ("hostPID", "process namespace: it sees, signals and can ptrace every process on the node"),
    ("hostIPC", "IPC namespace: it can read and write the shared memory of host processes"),
)


def _host_ports(c: Container) -> Iterator[Violation | Unknown]:
    ports = c.get("ports")
    for i, port in enumerate(ports if isinstance(ports, list) else ()):
        if not isinstance(port, Mapping):
            continue
        value = port.get("hostPort")
        name = port.get("name")
        label = f"ports[{name if isinstance(name, str) else i}]"
        if is_templated(value):
            yield Unknown(f"{c.ref} {label} hostPort is a template expression {value!r}")
        # Only an integer binds a port; the API rejects other types, and 0 means none.
        elif isinstance(value, int) and not isinstance(value, bool) and value != 0:
            yield Violation(
                f"{c.ref} {label} binds host port {value} (hostPort) on every node it runs on",
                path=c.at("ports", i, "hostPort"),
            )


@policy(
    id="K8S-006",
    name="no-host-namespaces-or-ports",
    title="Pods must not share the node's namespaces or bind host ports",
    severity=Severity.HIGH,
    rationale=(
        "hostNetwork, hostPID and hostIPC put the pod in the node's own network, process and "
        "IPC namespaces, removing the isolation between the workload and everything else on "
        "the node: node-local services and the cloud metadata endpoint become reachable "
        "unfiltered, other pods' processes can be inspected and signalled, and host shared "
        "memory can be read. A hostPort opens a port on the node's address that bypasses "
        "Services and most NetworkPolicy setups, and ties the pod to nodes where it is free."
    ),
    remediation=(
        "Remove hostNetwork, hostPID and hostIPC (or set them to false) and drop hostPort "
        "from container ports; expose the workload through a Service instead. Node agents "
        "that genuinely need host access (CNI plugins, node exporters, log shippers) get a "
        "waiver with a reason."
    ),
    controls=(
        "CIS-K8s-5.2.2",
        "CIS-K8s-5.2.3",
        "CIS-K8s-5.2.4",
        "NSA-K8s-Pod-Security",
        "PSS-Baseline-HostNamespaces",
        "PSS-Baseline-HostPorts",
    ),
    references=(
        "checkov:CKV_K8S_17",
        "checkov:CKV_K8S_18",
        "checkov:CKV_K8S_19",
        "checkov:CKV_K8S_26",
        "kube-linter:host-network",
        "kube-linter:host-pid",
        "kube-linter:host-ipc",
        "polaris:hostNetworkSet",
        "polaris:hostPIDSet",
        "polaris:hostIPCSet",
        "polaris:hostPortSet",
        "trivy:AVD-KSV-0008",
        "trivy:AVD-KSV-0009",
        "trivy:AVD-KSV-0010",
        "trivy:AVD-KSV-0024",
    ),
    applies=workloads,
    example="""\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: metrics
spec:
  selector:
    matchLabels: {app: metrics}
  template:
    metadata:
      labels: {app: metrics}
    spec:
      hostNetwork: true
      hostPID: true
      containers:
        - name: exporter
          image: registry.example.com/exporter:1.8.0
          ports:
            - name: metrics
              containerPort: 9100
              hostPort: 9100
""",
    use_instead="""\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: metrics
spec:
  selector:
    matchLabels: {app: metrics}
  template:
    metadata:
      labels: {app: metrics}
    spec:
      containers:
        - name: exporter
          image: registry.example.com/exporter:1.8.0
          ports:
            - name: metrics
              containerPort: 9100
""",
)
def no_host_namespaces_or_ports(k8s_object: K8sObject) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    spec = k8s_object.pod_spec or {}
    spec_path = k8s_object.pod_spec_path or ()
    for field, shares in _NAMESPACES:
        value = spec.get(field)
        if is_templated(value):
            yield Unknown(f"the pod sets {field} from a template expression {value!r}")
        # Only a real boolean true counts: the API rejects the string "true".
        elif is_true(value):
            yield Violation(
                f"the pod sets {field}: true and shares the node's {shares}",
                path=(*spec_path, field),
            )
    for c in k8s_object.containers():
        yield from _host_ports(c)
