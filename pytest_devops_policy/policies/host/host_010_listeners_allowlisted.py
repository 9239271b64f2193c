"""HOST-010 listeners-allowlisted: only the sockets the host is meant to serve listen beyond
loopback (catalog §8.3, §8.2-8)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host
from pytest_devops_policy.knowledge.host.sockets import (
    NETSTAT,
    SS,
    Listener,
    container_ports,
    in_ports,
    parse_allow,
    read_listeners,
)

# Container runtimes' port forwarders: the socket belongs to a published container port.
_FORWARDERS = {"docker-proxy": "docker", "rootlessport": "podman"}
_PS = "{} ps --format '{{{{.Names}}}} {{{{.Ports}}}}'"


def _containers(host: Host, listeners: list[Listener]) -> dict[tuple[str, int], str]:
    """(runtime, host port) -> container name, for forwarder sockets only."""
    out: dict[tuple[str, int], str] = {}
    runtimes = {_FORWARDERS[p] for s in listeners for p in s.processes if p in _FORWARDERS}
    for runtime in sorted(runtimes):
        if not host.has(runtime):
            continue
        result = host.run(_PS.format(runtime))
        if result.ok:
            for port, name in container_ports(result.out).items():
                out[(runtime, port)] = name
    return out


@policy(
    id="HOST-010",
    name="listeners-allowlisted",
    title="Only allow-listed sockets listen on non-loopback addresses",
    severity=Severity.HIGH,
    rationale=(
        "Every socket bound to 0.0.0.0, :: or a public address is attack surface, and a "
        "database, cache or admin API that listens there is one firewall mistake away from "
        "the internet (Redis and Elasticsearch without authentication are a classic). An "
        "allow-list of protocol, port and process makes a new listener a finding instead of "
        "a surprise. Loopback listeners are ignored; IPv6 link-local ones are reachable on "
        "the segment and count. Published container ports show up as docker-proxy or "
        "rootlessport listeners and bypass INPUT firewall rules (HOST-009)."
    ),
    remediation=(
        "Bind internal services to 127.0.0.1 or a private interface (redis 'bind 127.0.0.1', "
        "postgres listen_addresses = 'localhost'), stop what is not needed, publish "
        "container ports as 127.0.0.1:PORT:PORT, and list what the host is meant to serve "
        'in host.listen_allow ("tcp:443:nginx", "tcp:8000-8100:gunicorn*").'
    ),
    controls=(
        "CIS-U22-2.1.22",
        "CIS-U22-4.1.6",
        "CIS-U22-4.3.2.4",
        "CIS-DIL-3.5.2.4",
        "NIST-800-53-CM-7",
        "NIST-800-53-SC-7",
    ),
    references=("stig:UBTU-22-251030", "stig:RHEL-09-251035", "lynis:NETW-3012"),
    example="""\
# $ ss -H -tulnp
tcp   LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:(("sshd",pid=812,fd=3))
tcp   LISTEN 0      511          0.0.0.0:6379      0.0.0.0:*  users:(("redis-server",pid=901,fd=6))
""",
    use_instead="""\
# $ ss -H -tulnp
tcp   LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:(("sshd",pid=812,fd=3))
tcp   LISTEN 0      511        127.0.0.1:6379      0.0.0.0:*  users:(("redis-server",pid=901,fd=6))
""",
    commands=(SS, NETSTAT, _PS.format("docker"), _PS.format("podman")),
    needs_root=(f"{SS} (the owners of other users' sockets)",),
    profiles=("server", "container"),
)
def listeners_allowlisted(host: Host) -> Iterator[Violation | Unknown]:
    listeners, command = read_listeners(host)
    if listeners is None:
        yield Unknown(f"neither ss nor netstat can list the sockets of {host.label}")
        return
    rules = parse_allow(host.options.listen_allow)
    exposed = [s for s in listeners if not s.loopback]
    denied: list[Listener] = []
    for sock in dict.fromkeys(exposed):
        verdicts = [rule.matches(sock) for rule in rules]
        if any(v is True for v in verdicts):
            continue
        if any(v is None for v in verdicts):
            names = sorted({r.glob for r, v in zip(rules, verdicts, strict=True) if v is None})
            why = (
                f"needs root on {host.label} (run as root, or with --sudo)"
                if not host.is_root
                else "a kernel socket or one of another namespace"
            )
            yield Unknown(
                f"the owner of {sock.shown} is not visible ({why}; {command}), and "
                f"host.listen_allow allows port {sock.port} only for {', '.join(names)}"
            )
            continue
        denied.append(sock)
    containers = _containers(host, denied) if denied else {}
    for sock in denied:
        extra = ""
        for proc in sock.processes:
            runtime = _FORWARDERS.get(proc)
            if runtime is not None:
                name = containers.get((runtime, sock.port))
                extra = (
                    f"; a published port of {runtime} container '{name}'"
                    if name
                    else f"; a published {runtime} container port"
                ) + " (it bypasses INPUT firewall rules, see HOST-009)"
        critical = in_ports(sock.port, host.options.critical_ports)
        yield Violation(
            f"{sock.shown} listens beyond loopback and host.listen_allow does not allow it "
            f"({command}){extra}"
            + (": an administration or database port (host.critical_ports)" if critical else ""),
            severity=Severity.CRITICAL if critical else None,
        )
