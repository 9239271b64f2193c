"""XREF-011: the pod's liveness/readiness probes check the port the image's HEALTHCHECK checks.

The kubelet ignores a Dockerfile ``HEALTHCHECK``; the pod's probes are the health model that
counts. When the image checks ``localhost:3000`` and every liveness/readiness probe of the
container targets another port, the two models disagree about where the app listens: one of
them probes a port nothing serves (a stale HEALTHCHECK, or probes that fail and restart the
pod). Advisory (low).

The HEALTHCHECK's targets come from the index's Dockerfile facts (curl/wget URLs, ``nc -z``,
``grpc_health_probe -addr``, local host and literal port only); the probes' ports are
``httpGet``/``tcpSocket``/``grpc`` ports (a name resolves to its ``containerPort``) or the
same tools in an ``exec`` probe. A different path on the same port is fine (``/ready``
against ``/healthz``). No item: no linked HEALTHCHECK with a target, or no liveness/readiness
probe (K8S-012/013 report a missing probe). UNKNOWN: a link below
``xref.min_link_confidence`` that would fail, or a probe whose port is not known.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject, as_mapping
from pytest_devops_policy.indexes.xref_links import ImageLink, pick
from pytest_devops_policy.indexes.xref_pods import container_links, link_note, manifest_at
from pytest_devops_policy.knowledge.kubernetes.probes import named_ports
from pytest_devops_policy.knowledge.xref.healthcheck import LOCAL_HOSTS, healthcheck_targets

_PROBES = ("livenessProbe", "readinessProbe")


@dataclass(frozen=True)
class _Probe:
    field: str
    shown: str  # "readinessProbe httpGet port 8080"
    ports: frozenset[int]  # ports it checks on the pod; empty: none of the pod's
    unknown: str | None  # why its port is not known


def _targets(link: ImageLink) -> tuple[Mapping[str, Any], ...]:
    hc = link.stage.healthcheck
    if not isinstance(hc, Mapping) or hc.get("none"):
        return ()
    targets = hc.get("targets")
    return tuple(t for t in targets if isinstance(t, Mapping)) if isinstance(targets, list) else ()


def _ports(link: ImageLink) -> frozenset[int]:
    return frozenset(int(t["port"]) for t in _targets(link) if isinstance(t.get("port"), int))


def _probe(c: Container, name: str, probe: Mapping[str, Any]) -> _Probe:
    for handler in ("httpGet", "tcpSocket", "grpc"):
        action = probe.get(handler)
        if not isinstance(action, Mapping):
            continue
        port = action.get("port")
        shown = f"{name} {handler} port {port}"
        if isinstance(port, str):
            port = named_ports(c).get(port, port)
        if isinstance(port, bool) or not isinstance(port, int):
            return _Probe(name, shown, frozenset(), f"{shown} does not resolve to a number")
        host = action.get("host")
        if handler == "httpGet" and isinstance(host, str) and host.lower() not in LOCAL_HOSTS:
            return _Probe(name, f"{shown} on host {host}", frozenset(), None)
        return _Probe(name, shown, frozenset({port}), None)
    command = as_mapping(probe.get("exec")).get("command")
    if isinstance(command, list):
        found = healthcheck_targets([str(w) for w in command])
        shown = f"{name} exec {' '.join(str(w) for w in command)}"
        if found:
            return _Probe(name, shown, frozenset(t.port for t in found), None)
        return _Probe(name, shown, frozenset(), f"{shown}: the port it checks is not read")
    return _Probe(name, f"{name} (no handler)", frozenset(), f"{name} has no handler read")


def _probes(c: Container) -> list[_Probe]:
    return [_probe(c, name, c.get(name)) for name in _PROBES if isinstance(c.get(name), Mapping)]


def _containers(k8s_object: K8sObject) -> list[Container]:
    if not k8s_object.is_workload or k8s_object.pod_spec_problem is not None:
        return []
    return [c for c in k8s_object.containers(kinds=("container", "sidecar")) if _probes(c)]


def _linked(c: Container, k8s_object: K8sObject, context: Context) -> list[ImageLink]:
    return [link for link in container_links(c, k8s_object, context) if _targets(link)]


def _applies(k8s_object: K8sObject, context: Context) -> bool:
    return any(_linked(c, k8s_object, context) for c in _containers(k8s_object))


def _healthcheck_shown(link: ImageLink) -> str:
    hc = link.stage.healthcheck or {}
    argv = hc.get("argv")
    text = hc.get("text") or (" ".join(str(w) for w in argv) if isinstance(argv, list) else "")
    return f"{link.dockerfile.relpath}:{hc.get('line', link.stage.line)} HEALTHCHECK CMD {text}"


def _translation(link: ImageLink) -> str:
    target = _targets(link)[0]
    if target.get("path") is not None:
        return f"httpGet: {{path: {target['path']}, port: {target['port']}}}"
    if target.get("tool") == "grpc_health_probe":
        return f"grpc: {{port: {target['port']}}}"
    return f"tcpSocket: {{port: {target['port']}}}"


def _judge(c: Container, k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    links = _linked(c, k8s_object, context)
    if not links:
        return
    chosen = pick(links, _ports, context)
    link = chosen if isinstance(chosen, ImageLink) else links[0]
    wanted = _ports(link)
    probes = _probes(c)
    if any(p.ports & wanted for p in probes):
        return  # a probe checks the HEALTHCHECK's port (the path may differ: fine)
    if isinstance(chosen, Unknown):
        yield Unknown(f"{c.ref}: {chosen.reason}")
        return
    unknown = [p.unknown for p in probes if p.unknown is not None]
    if unknown:
        yield Unknown(f"{c.ref}: {'; '.join(unknown)}")
        return
    first = min(probes, key=lambda p: _PROBES.index(p.field))
    probe_at = manifest_at(k8s_object, context, c.at(first.field))
    hc = _healthcheck_shown(link)
    hc_at = hc.split(" ", 1)[0]
    ports = ", ".join(str(p) for p in sorted(wanted))
    shown = "; ".join(p.shown for p in probes)
    yield Violation(
        f"{hc} <-> {probe_at} {c.ref} {shown}: no liveness or readiness probe checks port "
        f"{ports}, the port the image's HEALTHCHECK checks, so the two health models disagree "
        "about where the app listens (the kubelet ignores HEALTHCHECK): either the probes "
        f"target a port nothing serves, or the HEALTHCHECK is stale; {link_note(link)}. "
        f"Fix: point a probe at the app's port (translated from the HEALTHCHECK: "
        f"{_translation(link)}), or correct the HEALTHCHECK",
        path=c.at(first.field),
        links=(f"{hc_at} -> {probe_at}",),
    )


@policy(
    id="XREF-011",
    name="probe-matches-healthcheck",
    title="Liveness/readiness probes check the port the image's HEALTHCHECK checks",
    severity=Severity.LOW,
    rationale=(
        "Kubernetes ignores a Dockerfile HEALTHCHECK: the pod's probes decide readiness and "
        "restarts. When the image's HEALTHCHECK and the pod's probes check different ports, "
        "one of them is wrong: probes on a port nothing serves keep the pod unready or "
        "restart it, and a stale HEALTHCHECK misleads everyone who runs the image elsewhere."
    ),
    remediation=(
        "Make at least one liveness or readiness probe check the port the application "
        "listens on, which the HEALTHCHECK should check too (httpGet: {path: /health, port: "
        "3000} for HEALTHCHECK CMD curl -f http://localhost:3000/health). A different path "
        "on that port is fine. If the link to the Dockerfile is wrong, declare the right "
        "one with xref.image_map."
    ),
    controls=("NIST-800-53-SI-6",),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        "https://docs.docker.com/reference/dockerfile/#healthcheck",
    ),
    applies=_applies,
    example=(
        "# deploy/api.yaml\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: api\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: api}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: api}\n"
        "      annotations:\n"
        "        devops-policy.io/dockerfile.api: services/api/Dockerfile\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: api\n"
        "          image: ghcr.io/acme/api:1.4.2\n"
        "          readinessProbe:\n"
        "            httpGet: {path: /ready, port: 8080}\n"
        "---\n"
        "# services/api/Dockerfile\n"
        "FROM node:20-alpine\n"
        "COPY . /app\n"
        "HEALTHCHECK CMD wget -qO- http://localhost:3000/health || exit 1\n"
        'CMD ["node", "/app/server.js"]\n'
    ),
    use_instead=(
        "# deploy/api.yaml\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: api\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: api}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: api}\n"
        "      annotations:\n"
        "        devops-policy.io/dockerfile.api: services/api/Dockerfile\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: api\n"
        "          image: ghcr.io/acme/api:1.4.2\n"
        "          readinessProbe:\n"
        "            httpGet: {path: /ready, port: 3000}\n"
        "---\n"
        "# services/api/Dockerfile\n"
        "FROM node:20-alpine\n"
        "COPY . /app\n"
        "HEALTHCHECK CMD wget -qO- http://localhost:3000/health || exit 1\n"
        'CMD ["node", "/app/server.js"]\n'
    ),
)
def probe_matches_healthcheck(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    for c in _containers(k8s_object):
        yield from _judge(c, k8s_object, context)
