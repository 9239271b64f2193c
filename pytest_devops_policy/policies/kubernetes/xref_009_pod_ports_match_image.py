"""XREF-009: the ports a pod's probes and Services target are ports its image listens on.

The listening ports E of a container come from its linked Dockerfile (catalog §9.2-4):

* a port variable of ``xref.port_env_names`` set to a literal in the container's ``env``
  (12-factor: the app listens there): E = {that value};
* else the literal ports of the effective command line's port flags (the container's
  ``command``/``args`` over the image's ENTRYPOINT/CMD): ``--port N``, ``-p N``, ``--bind
  HOST:N``, ``-b :N``, ``--listen :N``, and any long flag naming a port or listen address
  (``--grpc-port=N``, ``--port-metrics=N``: a program may listen on several);
* else the shipped stage's EXPOSE ports, plus the literal port variables of its ``ENV``.

FAIL (medium) when a liveness/readiness/startup probe port (numeric, or named: that
container's ``containerPort``) or a selecting Service's ``targetPort`` is outside E. Only
Services in the workload's directory count (a repository of samples holds many unrelated
apps in one namespace), and a numeric ``targetPort`` is judged only for a one-container pod
(with several it may reach another container). FAIL (low) when the ``containerPort``s and
E are disjoint (documentation drift: ``containerPort`` is informational). N/A: E empty, no
link. UNKNOWN: a weak link, Dockerfiles that disagree on E, a port from a ``valueFrom`` or an
unresolved EXPOSE.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject
from pytest_devops_policy.indexes.kubernetes import Entry
from pytest_devops_policy.indexes.xref import Service
from pytest_devops_policy.indexes.xref_links import (
    ImageLink,
    indexed_workload,
    pick,
)
from pytest_devops_policy.indexes.xref_pods import container_links
from pytest_devops_policy.options.xref import XrefOptions

_PROBES = ("readinessProbe", "livenessProbe", "startupProbe")
_HANDLERS = ("httpGet", "tcpSocket", "grpc")
_PORT_FLAGS = frozenset({"--port", "-p", "--bind", "-b", "--listen", "--http-port"})
_PORTISH = re.compile(r"(?:^|[-_])(?:port|listen|bind|addr|address)(?:[-_]|$)")
_ADDRESS = re.compile(r"^(?:[\w.\-]*|\[[0-9a-fA-F:]*\]):(\d{1,5})$")
_EFFECT = {
    "readinessProbe": "the pod never becomes Ready and gets no traffic",
    "livenessProbe": "the kubelet kills the container again and again (CrashLoopBackOff)",
    "startupProbe": "the kubelet kills the container before it starts (CrashLoopBackOff)",
}


@dataclass(frozen=True, eq=False)
class Listening:
    """Where the image (as run by this container) listens, and why we think so. Two
    Dockerfiles agree when their ports do (``pick``)."""

    ports: frozenset[int]
    why: str  # "services/api/Dockerfile:9 EXPOSE 3000", "env PORT=8080 (deploy/web.yaml:30)"
    at: str  # path:line of the evidence
    unresolved: bool = False  # an EXPOSE the Dockerfile alone cannot resolve

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Listening) and (self.ports, self.unresolved) == (
            other.ports,
            other.unresolved,
        )

    def __hash__(self) -> int:
        return hash((self.ports, self.unresolved))

    def __str__(self) -> str:
        return self.why or "no port"


def _port(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 65536 else None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return _port(int(value))
    return None


def _port_flag(flag: str) -> bool:
    """``--port``, ``-p``, ``--bind``, and any long flag naming a port or listen address
    (``--grpc-port``, ``--port-metrics``, ``--listen-addr``): a program may listen on each."""
    return flag in _PORT_FLAGS or (flag.startswith("--") and _PORTISH.search(flag[2:]) is not None)


def _flag_ports(argv: Sequence[str]) -> set[int]:
    """Every literal port a command line's port flags give (``--port N``, ``--port=N``,
    ``-b :N``, ``--grpc-port=N``...)."""
    found: set[int] = set()
    for i, word in enumerate(argv):
        flag, eq, value = word.partition("=")
        if not eq:
            if word not in _PORT_FLAGS or i + 1 >= len(argv):
                continue
            flag, value = word, argv[i + 1]
        if not _port_flag(flag):
            continue
        address = _ADDRESS.match(value)
        port = _port(address.group(1) if address else value)
        if port is not None:
            found.add(port)
    return found


def _argv(section: Mapping[str, Any] | None) -> list[str] | None:
    if section is None:
        return None
    words = section.get("argv")
    return [str(w) for w in words] if isinstance(words, list) else None


def _words(value: object) -> list[str] | None:
    return [str(w) for w in value] if isinstance(value, list) else None


def _env_port(c: Container, names: Sequence[str]) -> tuple[str, int | None] | None:
    """(name, port) of the container's last port variable; port None when not literal."""
    env = c.get("env")
    hit: tuple[str, int | None] | None = None
    for item in env if isinstance(env, list) else ():
        if isinstance(item, Mapping) and item.get("name") in names:
            value = None if "valueFrom" in item else item.get("value")
            hit = (str(item["name"]), _port(value))
    return hit


def _listening(link: ImageLink, c: Container, names: Sequence[str], where: str) -> Listening:
    df = link.dockerfile.relpath
    stage = link.stage
    env = _env_port(c, names)
    if env is not None and env[1] is not None:
        return Listening(
            frozenset({env[1]}), f"env {env[0]}={env[1]} ({where})", where.split(" ", 1)[0]
        )
    command, args = _words(c.get("command")), _words(c.get("args"))
    entry = command if command is not None else _argv(stage.entrypoint)
    cmd = args if args is not None else (None if command is not None else _argv(stage.cmd))
    flagged = _flag_ports([*(entry or ()), *(cmd or ())])
    if flagged:
        listen = ", ".join(str(p) for p in sorted(flagged))
        source = (
            f"{where} command/args"
            if command is not None or args is not None
            else f"{df}:{(stage.cmd or stage.entrypoint or {}).get('line', stage.line)}"
        )
        return Listening(frozenset(flagged), f"{source} listens on {listen}", source.split(" ")[0])
    ports: set[int] = set()
    shown: list[str] = []
    lines: list[str] = []
    unresolved = False
    for e in stage.expose:
        low, high = e.get("port"), e.get("port_end")
        if not e.get("resolved") or not isinstance(low, int):
            unresolved = True
            shown.append(f"{df}:{e.get('line')} EXPOSE {e.get('raw')}")
            continue
        if str(e.get("protocol", "tcp")) != "tcp":
            continue
        ports.update(range(low, (high if isinstance(high, int) else low) + 1))
        shown.append(f"{df}:{e.get('line')} EXPOSE {e.get('raw')}")
        lines.append(f"{df}:{e.get('line')}")
    for name in names:
        value = stage.env.get(name)
        if isinstance(value, Mapping) and value.get("resolved"):
            env_port = _port(value.get("value"))
            if env_port is not None:
                ports.add(env_port)
                shown.append(f"{df}:{value.get('line')} ENV {name}={env_port}")
                lines.append(f"{df}:{value.get('line')}")
    at = lines[0] if lines else f"{df}:{stage.line}"
    return Listening(frozenset(ports), ", ".join(dict.fromkeys(shown)), at, unresolved)


def _named(c: Container, value: object) -> tuple[int | None, bool]:
    """(port, known): a numeric port, or a named one looked up in ``c``'s ports."""
    if isinstance(value, str) and not value.isdigit():
        for p in c.get("ports") or ():
            if isinstance(p, Mapping) and p.get("name") == value:
                return _port(p.get("containerPort")), True
        return None, False
    return _port(value), True


def _probe_ports(c: Container) -> Iterator[tuple[str, object, int]]:
    for name in _PROBES:
        probe = c.get(name)
        if not isinstance(probe, Mapping):
            continue
        for handler in _HANDLERS:
            spec = probe.get(handler)
            if isinstance(spec, Mapping) and "port" in spec:
                yield name, spec["port"], 0


def _links(c: Container, k8s_object: K8sObject, context: Context) -> list[ImageLink]:
    if c.image is None or c.kind == "init":
        return []
    return container_links(c, k8s_object, context)


def _applies(k8s_object: K8sObject, context: Context) -> bool:
    if not k8s_object.is_workload or k8s_object.pod_spec_problem is not None:
        return False
    # N/A when no linked image says where it listens (no EXPOSE, port flag or PORT).
    names = context.options(XrefOptions).port_env_names
    for c in k8s_object.containers():
        links = _links(c, k8s_object, context)
        if any(_listening(link, c, names, "").ports or _env_port(c, names) for link in links):
            return True
    return False


def _line(k8s_object: K8sObject, path: Sequence[Any]) -> int:
    found = k8s_object.locate(path)
    return found[0] if found else k8s_object.line


def _service(entry: Entry) -> Service:
    """A Service of the Kubernetes index as the cross-artifact index shows one (its ports'
    lines are the Service's: the index keeps values, not positions)."""
    ports = []
    for p in entry.spec.get("ports") or ():
        if isinstance(p, Mapping):
            # An unset targetPort is the port (the API server defaults it so).
            ports.append({"targetPort": p.get("targetPort", p.get("port")), "line": entry.line})
    return Service(
        name=entry.name,
        namespace=entry.namespace,
        labels=entry.labels,
        selector=None,
        ports=tuple(ports),
        path=entry.path,
        relpath=entry.relpath,
        line=entry.line,
    )


@policy(
    id="XREF-009",
    name="pod-ports-match-image",
    title="Probe and Service target ports are ports the image listens on",
    severity=Severity.MEDIUM,
    rationale=(
        "A readiness probe or a Service targetPort aimed at a port the application does not "
        "listen on is valid YAML and passes every single-file check, yet the pod never "
        "becomes Ready, a liveness probe restarts it in a loop, or the Service refuses every "
        "connection. The port the app listens on is written in another file: the "
        "Dockerfile's EXPOSE, its command line, or a PORT variable."
    ),
    remediation=(
        "Point the probe's port (or the Service's targetPort) at the port the image listens "
        "on, preferably through a named containerPort; or make the app listen where the "
        "probe looks (env PORT=<port>, --port <port>) and update EXPOSE to match."
    ),
    controls=("NIST-800-53-CM-6",),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        "https://docs.docker.com/reference/dockerfile/#expose",
    ),
    applies=_applies,
    example=(
        "# deploy/api.yaml\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: api\n"
        "  annotations:\n"
        "    devops-policy.io/dockerfile.api: services/api/Dockerfile\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: api}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: api}\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: api\n"
        "          image: ghcr.io/acme/api:1.4.2\n"
        "          readinessProbe:\n"
        "            httpGet: {path: /ready, port: 8080}\n"
        "---\n"
        "# services/api/Dockerfile\n"
        "FROM node:20-alpine\n"
        "USER 1001\n"
        "EXPOSE 3000\n"
        'CMD ["node", "server.js"]\n'
    ),
    use_instead=(
        "# deploy/api.yaml\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: api\n"
        "  annotations:\n"
        "    devops-policy.io/dockerfile.api: services/api/Dockerfile\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: api}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: api}\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: api\n"
        "          image: ghcr.io/acme/api:1.4.2\n"
        "          ports:\n"
        "            - {name: http, containerPort: 3000}\n"
        "          readinessProbe:\n"
        "            httpGet: {path: /ready, port: http}\n"
        "---\n"
        "# services/api/Dockerfile\n"
        "FROM node:20-alpine\n"
        "USER 1001\n"
        "EXPOSE 3000\n"
        'CMD ["node", "server.js"]\n'
    ),
)
def pod_ports_match_image(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    manifest = context.cache.relpath(k8s_object.source.path)
    names = context.options(XrefOptions).port_env_names
    containers = [c for c in k8s_object.containers() if c.kind != "init"]
    workload = indexed_workload(k8s_object, context)
    services: list[Service] = []
    if workload is not None:
        # The Services of the workload's deployment unit (the Kubernetes index, in
        # k8s.scope; its facts are in the file's cache key) that certainly select it. A
        # repository of samples holds many apps in one namespace: only a Service beside
        # the workload is taken to belong to it.
        here = posixpath.dirname(workload.relpath)
        services = [
            _service(e)
            for e in context.index(k8s_object).services_selecting(k8s_object)
            if posixpath.dirname(e.relpath) == here
        ]
    for c in containers:
        links = _links(c, k8s_object, context)
        where = f"{manifest}:{_line(k8s_object, c.path)} {c.ref}"

        def listening(link: ImageLink, c: Container = c, where: str = where) -> Listening:
            return _listening(link, c, names, where)

        chosen = pick(links, listening, context)
        if chosen is None:
            continue
        if isinstance(chosen, Unknown):
            yield Unknown(f"{c.ref} ({c.image}): {chosen.reason}")
            continue
        env = _env_port(c, names)
        if env is not None and env[1] is None:
            yield Unknown(f"{c.ref} sets {env[0]} from valueFrom or a non-numeric value")
            continue
        heard = _listening(chosen, c, names, where)
        if not heard.ports:
            if heard.unresolved:
                yield Unknown(f"{c.ref}: the image's ports are not resolved ({heard.why})")
            continue
        listen = ", ".join(str(p) for p in sorted(heard.ports))
        via = f"link: {chosen.how} ({chosen.confidence} confidence)"
        unset = "" if env is not None else f" and no {names[0] if names else 'PORT'} is set"
        end = heard.at
        failed = False
        for probe, value, _ in _probe_ports(c):
            port, known = _named(c, value)
            if port is None or not known:
                continue  # a named port the container lacks: the API server rejects that
            if port in heard.ports:
                continue
            if heard.unresolved:
                yield Unknown(f"{c.ref} {probe} hits {port}; the image's ports: {heard.why}")
                continue
            at = _line(k8s_object, c.at(probe))
            failed = True
            yield Violation(
                f"{manifest}:{at} {c.ref} {probe} hits {port} but the image listens on "
                f"{listen} ({heard.why}){unset}: {_EFFECT[probe]}; {via}. Fix: point the "
                f"probe at {listen} (a named containerPort keeps them together), or make "
                f"the app listen on {port}",
                path=c.at(probe),
                links=(f"{end} -> {manifest}:{at}",),
            )
        for svc in services:
            for sp in svc.ports:
                target = sp.get("targetPort")
                named = isinstance(target, str) and not target.isdigit()
                if not named and len(containers) != 1:
                    continue  # a numeric targetPort of a multi-container pod: any container
                port, known = _named(c, target)
                if port is None or not known:
                    continue
                if port in heard.ports or heard.unresolved:
                    continue
                at = int(sp.get("line", svc.line))
                failed = True
                yield Violation(
                    f"{svc.relpath}:{at} Service {svc.name} targetPort {target} sends traffic "
                    f"to port {port} of {where}, but the image listens on {listen} "
                    f"({heard.why}){unset}: every connection through the Service is refused; "
                    f"{via}. Fix: targetPort {listen} (or a named containerPort), or make "
                    f"the app listen on {port}",
                    path=c.path,
                    links=(
                        f"{end} -> {manifest}:{_line(k8s_object, c.path)}",
                        f"{svc.relpath}:{at} -> {manifest}:{_line(k8s_object, c.path)}",
                    ),
                )
        declared = {
            p
            for p in (
                _port(q.get("containerPort")) if isinstance(q, Mapping) else None
                for q in c.get("ports") or ()
            )
            if p is not None
        }
        # A PORT set by the pod against the pod's own containerPort is a one-file matter.
        from_image = env is None
        if (
            declared
            and from_image
            and not failed
            and not heard.unresolved
            and not (declared & heard.ports)
        ):
            shown = ", ".join(str(p) for p in sorted(declared))
            yield Violation(
                f"{where} declares containerPort {shown} but the image listens on {listen} "
                f"({heard.why}): containerPort is informational, so nothing breaks yet, but "
                f"tools and readers that trust it are misled; {via}. Fix: containerPort "
                f"{listen}",
                path=c.at("ports"),
                severity=Severity.LOW,
                links=(f"{end} -> {manifest}:{_line(k8s_object, c.at('ports'))}",),
            )
