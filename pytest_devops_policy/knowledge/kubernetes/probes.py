"""Container probes (readiness, liveness, startup): the rules K8S-012 and K8S-013 share.

A probe has exactly one handler (``httpGet``, ``tcpSocket``, ``exec``, ``grpc``).
A port given by name must match a ``ports[].name`` of the same container
(catalog §2.2-12); ``grpc.port`` has to be a number. ``probe_target`` reduces a
probe to what it checks (handler, path, port, command), so two probes can be
compared for "identical".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from pytest_devops_policy.api import Unknown, Violation
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import (
    Container,
    K8sObject,
    is_templated,
    long_running_workloads,
)
from pytest_devops_policy.options import K8sOptions

if TYPE_CHECKING:
    from pytest_devops_policy.indexes.kubernetes import K8sIndex

__all__ = [
    "PROBE_HANDLERS",
    "named_ports",
    "port_problems",
    "probe_handlers",
    "probe_problems",
    "probe_scope",
    "probe_target",
    "service_selection",
]

PROBE_HANDLERS = ("httpGet", "tcpSocket", "exec", "grpc")
_PORT_HANDLERS = ("httpGet", "tcpSocket", "grpc")


def named_ports(c: Container) -> dict[str, object]:
    """The container's named ports: ``ports[].name`` -> ``containerPort`` (as written)."""
    ports = c.get("ports")
    if not isinstance(ports, list):
        return {}
    return {
        p["name"]: p.get("containerPort")
        for p in ports
        if isinstance(p, Mapping) and isinstance(p.get("name"), str)
    }


def probe_handlers(probe: Mapping[str, object]) -> list[str]:
    """The handlers a probe sets, in ``PROBE_HANDLERS`` order."""
    return [h for h in PROBE_HANDLERS if probe.get(h) is not None]


def port_problems(
    c: Container, field: str, probe: Mapping[str, object]
) -> Iterator[Violation | Unknown]:
    """Missing ports, named ports that do not resolve, and named gRPC ports; a
    templated port (``${PORT:-9003}``) is only known after rendering."""
    for handler in _PORT_HANDLERS:
        action = probe.get(handler)
        if not isinstance(action, Mapping):
            continue
        where = c.at(field, handler, "port")
        port = action.get("port")
        if port is None:
            yield Violation(f"{c.ref} {field} {handler} has no port", path=where)
        elif is_templated(port):
            yield Unknown(
                f"{c.ref} {field} {handler}.port is templated ({port!r}); render it first"
            )
        elif isinstance(port, str) and handler == "grpc":
            yield Violation(f"{c.ref} {field} grpc.port {port!r} must be a number", path=where)
        elif isinstance(port, str) and port not in named_ports(c):
            hint = (
                f"; write the number {port} without quotes"
                if port.isdigit()
                else ": no ports[] entry of this container has that name"
            )
            yield Violation(
                f"{c.ref} {field} {handler}.port {port!r} does not resolve{hint}", path=where
            )


def probe_problems(c: Container, field: str) -> Iterator[Violation | Unknown]:
    """What is wrong with the container's probe ``field``, which must be present (not None)."""
    probe = c.get(field)
    if not isinstance(probe, Mapping):
        yield Violation(f"{c.ref} {field} is not a mapping (type mismatch)", path=c.at(field))
        return
    handlers = probe_handlers(probe)
    if not handlers:
        yield Violation(
            f"{c.ref} {field} has no handler (one of {', '.join(PROBE_HANDLERS)})",
            path=c.at(field),
        )
    elif len(handlers) > 1:
        yield Violation(
            f"{c.ref} {field} has {len(handlers)} handlers"
            f" ({', '.join(handlers)}); exactly one is allowed",
            path=c.at(field),
        )
    yield from port_problems(c, field, probe)


def _port(c: Container, port: object) -> object:
    """A port as the kubelet dials it: a name resolves to its containerPort."""
    if isinstance(port, str):
        resolved = named_ports(c).get(port)
        if isinstance(resolved, int) and not isinstance(resolved, bool):
            return resolved
    return port


def _hashable(value: object) -> object:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    return value


def probe_target(c: Container, probe: object) -> tuple[object, ...] | None:
    """What a single-handler probe checks, or None when it has no single handler.

    httpGet: path and port (an absent path requests ``/``); tcpSocket: port;
    grpc: port and health service; exec: the command.
    """
    if not isinstance(probe, Mapping):
        return None
    handlers = probe_handlers(probe)
    if len(handlers) != 1:
        return None
    handler = handlers[0]
    action = probe[handler]
    if not isinstance(action, Mapping):
        return (handler, _hashable(action))
    if handler == "exec":
        return (handler, _hashable(action.get("command")))
    port = _port(c, action.get("port"))
    if handler == "httpGet":
        return (handler, action.get("path") or "/", port)
    if handler == "grpc":
        # Different gRPC health services answer different questions.
        return (handler, port, action.get("service") or "")
    return (handler, port)


def probe_scope(subject: object, context: Context | None) -> bool:
    """``applies=`` predicate of the probe policies: long-running workloads, and with
    ``k8s.readiness_only_if_service = true`` only those a Service of their deployment unit
    selects, or may select (kube-score's behaviour). A file several units apply gets an
    item when any of them has such a Service; each unit is then judged on its own
    (``service_selection``)."""
    if not isinstance(subject, K8sObject) or not long_running_workloads(subject):
        return False
    if context is None or not context.options(K8sOptions).readiness_only_if_service:
        return True
    index: K8sIndex | None = context.index(subject)
    # Without an index there is nothing to look a Service up in: judge the workload.
    if index is None:
        return True
    for unit in index.units:
        found = unit.services_selecting(subject)
        if found or found.maybe:
            return True
    return False


def service_selection(subject: K8sObject, context: Context) -> tuple[bool, str | None]:
    """Whether the probe policies judge the workload in the unit of ``context``, and why
    that rests on a Service whose namespace may not be the workload's (then a finding is
    Unknown, not a failure)."""
    if not context.options(K8sOptions).readiness_only_if_service:
        return True, None
    index: K8sIndex | None = context.index(subject)
    if index is None:
        return True, None
    found = index.services_selecting(subject)
    if found:
        return True, None
    if found.maybe:
        return (
            True,
            f"only a Service of uncertain namespace selects the pods: {found.namespace_doubt}",
        )
    return False, None
