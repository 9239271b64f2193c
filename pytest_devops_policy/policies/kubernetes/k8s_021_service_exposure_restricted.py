"""K8S-021: Services are not exposed beyond what they need.

Judged: core ``Service`` objects (a Knative ``serving.knative.dev`` Service is a
workload, not a network endpoint). NodePorts, unrestricted external load
balancers, ``externalIPs`` and SSH fail; a load balancer is restricted by
``loadBalancerSourceRanges`` (or the legacy annotation the cloud providers also
read) or by a cloud provider's internal-LB annotation. A load balancer that is
public on purpose carries ``devops-policy.io/public: "true"`` and may then only
expose 80 and 443.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.formats.kubernetes.objects import (
    ANNOTATION_PREFIX,
    K8sObject,
    is_templated,
)

_PUBLIC = ANNOTATION_PREFIX + "public"
_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"

# annotation -> the values that make the cloud provider's load balancer internal
# (compared case-insensitively); None: any value but "false" does, as in the AWS
# in-tree provider, where the legacy value is a CIDR such as "0.0.0.0/0". The
# catalog's list, plus the spellings of the other major providers.
_INTERNAL_LB: Mapping[str, frozenset[str] | None] = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": None,
    "service.beta.kubernetes.io/aws-load-balancer-scheme": frozenset({"internal"}),
    "networking.gke.io/load-balancer-type": frozenset({"internal"}),
    "cloud.google.com/load-balancer-type": frozenset({"internal"}),
    "service.beta.kubernetes.io/azure-load-balancer-internal": frozenset({"true"}),
    "service.beta.kubernetes.io/oci-load-balancer-internal": frozenset({"true"}),
    "service.beta.kubernetes.io/openstack-internal-load-balancer": frozenset({"true"}),
    "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": frozenset({"private"}),
    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": frozenset({"intranet"}),
}
_PUBLIC_PORTS = frozenset({80, 443})
_SSH_PORT = 22


def core_services(subject: object) -> bool:
    """``applies=`` predicate: core Services (not Knative ones)."""
    return isinstance(subject, K8sObject) and subject.kind_name == "Service" and subject.group == ""


def _yaml(value: object) -> str:
    """A scalar as YAML spells it (``true``, not Python's ``True``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _internal_lb(annotations: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``("internal" | "templated" | "other", detail)`` per internal-LB annotation."""
    for key, wanted in _INTERNAL_LB.items():
        if key not in annotations:
            continue
        value = annotations[key]
        if is_templated(value):
            yield "templated", f"{key} is templated ({value})"
        elif not isinstance(value, str):
            # Annotation values are strings: the API rejects an unquoted true.
            yield "other", f"{key}: {_yaml(value)} is not a string (type mismatch)"
        else:
            text = value.strip().lower()
            if (wanted is None and text not in ("", "false")) or (wanted and text in wanted):
                yield "internal", key
            else:
                yield "other", f'{key}: "{value}" does not make it internal'


def _ranges(
    ranges: list[Any], label: str, path_of: Callable[[int], tuple[PathPart, ...]]
) -> Iterator[Violation | Unknown]:
    for i, cidr in enumerate(ranges):
        where = f"{label}[{i}]"
        if is_templated(cidr):
            yield Unknown(f"{where} is templated ({cidr})")
            continue
        if not isinstance(cidr, str):
            yield Violation(
                f"{where} {_yaml(cidr)} is not a CIDR string (type mismatch)", path=path_of(i)
            )
            continue
        try:
            network = ipaddress.ip_network(cidr.strip(), strict=False)
        except ValueError:
            yield Violation(
                f"{where} {cidr} is not a valid CIDR (the API rejects it)", path=path_of(i)
            )
            continue
        if network.prefixlen == 0:
            yield Violation(
                f"{where} is {cidr}: the load balancer accepts every address", path=path_of(i)
            )


def _load_balancer(k8s_object: K8sObject, spec: Mapping[str, Any]) -> Iterator[Violation | Unknown]:
    annotations = k8s_object.annotations
    public = annotations.get(_PUBLIC)
    if public == "true":
        # Public on purpose: the open load balancer is accepted, other ports are not.
        # Whether port 80 only redirects to HTTPS is K8S-018's question (Ingress side).
        yield from _public_ports(spec)
        return
    if is_templated(public):
        yield Unknown(f"{_PUBLIC} is templated ({public})")
        return
    found = list(_internal_lb(annotations))
    if any(outcome == "internal" for outcome, _ in found):
        return
    templated = [detail for outcome, detail in found if outcome == "templated"]
    if templated:
        yield Unknown(templated[0])
        return
    notes = [detail for _, detail in found]
    ranges = spec.get("loadBalancerSourceRanges")
    if isinstance(ranges, list) and ranges:
        yield from _ranges(
            ranges, "loadBalancerSourceRanges", lambda i: ("spec", "loadBalancerSourceRanges", i)
        )
        return
    legacy = annotations.get(_SOURCE_RANGES_ANNOTATION)
    if isinstance(legacy, str) and legacy.strip():
        # The cloud providers read the annotation when the field is empty.
        parts = [p.strip() for p in legacy.split(",") if p.strip()]
        where: tuple[PathPart, ...] = ("metadata", "annotations", _SOURCE_RANGES_ANNOTATION)
        yield from _ranges(parts, _SOURCE_RANGES_ANNOTATION, lambda i: where)
        return
    if public is not None:
        mismatch = "" if isinstance(public, str) else ", type mismatch"
        notes.append(f'{_PUBLIC}: {_yaml(public)} is not the string "true"{mismatch}')
    extra = f" ({'; '.join(notes)})" if notes else ""
    yield Violation(
        "type: LoadBalancer is reachable from any address: no loadBalancerSourceRanges, "
        f'no internal load-balancer annotation and no {_PUBLIC}: "true"{extra}',
        path=("spec", "type"),
    )


def _ports(spec: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    ports = spec.get("ports")
    for i, port in enumerate(ports if isinstance(ports, list) else ()):
        if isinstance(port, Mapping):
            yield i, port


def _public_ports(spec: Mapping[str, Any]) -> Iterator[Violation | Unknown]:
    for i, port in _ports(spec):
        number = port.get("port")
        if is_templated(number):
            yield Unknown(f"spec.ports[{i}].port is templated ({number})")
            continue
        if isinstance(number, int) and not isinstance(number, bool) and number in _PUBLIC_PORTS:
            continue
        name = f"ports[{port.get('name') or i}]"
        yield Violation(
            f"{name} exposes port {_yaml(number)} on a public load balancer "
            f'({_PUBLIC}: "true" allows only 80 and 443)',
            path=("spec", "ports", i, "port"),
        )


def _ssh(spec: Mapping[str, Any]) -> Iterator[Violation]:
    for i, port in _ports(spec):
        name = f"ports[{port.get('name') or i}]"
        number, target = port.get("port"), port.get("targetPort")
        if number == _SSH_PORT and not isinstance(number, bool):
            yield Violation(f"{name} exposes SSH (port: 22)", path=("spec", "ports", i, "port"))
        elif (target == _SSH_PORT and not isinstance(target, bool)) or target == "ssh":
            yield Violation(
                f"{name} forwards to SSH (targetPort: {target})",
                path=("spec", "ports", i, "targetPort"),
            )


@policy(
    id="K8S-021",
    name="service-exposure-restricted",
    title="Services must not be exposed beyond what they need",
    severity=Severity.MEDIUM,
    rationale=(
        "A NodePort opens the port on every node, past the ingress controller and its TLS "
        "and authentication. A LoadBalancer without source ranges or an internal-LB "
        "annotation puts the Service on the internet. externalIPs let anyone who can create "
        "a Service intercept traffic to those addresses (CVE-2020-8554), and an exposed SSH "
        "port is a direct shell target that bypasses the deploy pipeline."
    ),
    remediation=(
        "Use type: ClusterIP behind an Ingress or Gateway. For a load balancer, restrict "
        "spec.loadBalancerSourceRanges or mark it internal with the cloud provider's "
        "annotation (service.beta.kubernetes.io/aws-load-balancer-scheme: internal, "
        'networking.gke.io/load-balancer-type: "Internal", '
        'service.beta.kubernetes.io/azure-load-balancer-internal: "true"). A load balancer '
        'that is public on purpose carries devops-policy.io/public: "true" and exposes only '
        "443 (and 80 for the HTTPS redirect). Remove spec.externalIPs and do not expose SSH."
    ),
    controls=("NSA-K8s-Network-Separation", "NIST-800-53-SC-7"),
    references=(
        "kube-score:service-type",
        "kube-linter:exposed-services",
        "kube-linter:ssh-port",
        "trivy:AVD-KSV-0108",
    ),
    applies=core_services,
    example="""\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: 8080
""",
    use_instead="""\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-scheme: internal
spec:
  type: LoadBalancer
  loadBalancerSourceRanges:
    - 10.0.0.0/8
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: 8080
""",
)
def service_exposure_restricted(k8s_object: K8sObject) -> Iterator[Violation | Unknown]:
    spec = k8s_object.get("spec")
    if not isinstance(spec, Mapping):
        return
    service_type = spec.get("type", "ClusterIP")
    if is_templated(service_type):
        yield Unknown(f"spec.type is templated ({service_type})")
    elif service_type == "NodePort":
        yield Violation(
            "type: NodePort opens the port on every node of the cluster", path=("spec", "type")
        )
    elif service_type == "LoadBalancer":
        yield from _load_balancer(k8s_object, spec)
    external = spec.get("externalIPs")
    if isinstance(external, list) and external:
        shown = ", ".join(str(ip) for ip in external)
        yield Violation(
            f"spec.externalIPs ({shown}) routes traffic for addresses the cluster does not own "
            "(CVE-2020-8554)",
            path=("spec", "externalIPs"),
        )
    yield from _ssh(spec)
