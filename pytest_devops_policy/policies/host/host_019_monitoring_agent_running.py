"""HOST-019 monitoring-agent-running: a metrics or monitoring agent runs on the host, and
its local endpoints answer (catalog §8.3)."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host
from pytest_devops_policy.knowledge.host.containers import curl_command, fetch
from pytest_devops_policy.knowledge.host.services import PS, Process, processes


def _is_agent(proc: Process, name: str) -> bool:
    """The program, an interpreter's argument, or a directory the program lives in
    (``/opt/datadog-agent/bin/agent/agent``)."""
    return proc.matches(name) or f"/{name}/" in proc.args.split(" ", 1)[0]


@policy(
    id="HOST-019",
    name="monitoring-agent-running",
    title="A monitoring agent runs on the host",
    severity=Severity.MEDIUM,
    rationale=(
        "Without an agent, a full disk, a memory leak or a dead service is found by users "
        "rather than by an alert, and there is no history to tell when it started. An agent "
        "that runs but whose endpoint does not answer is as blind."
    ),
    remediation=(
        "Install and enable the organisation's agent (node_exporter, the OpenTelemetry "
        "collector, Grafana Alloy, Datadog, Zabbix, CloudWatch...), e.g. 'apt-get install "
        "prometheus-node-exporter'. Name a custom agent in host.monitoring.agents and its "
        "local endpoint in host.monitoring.endpoints."
    ),
    controls=("NIST-800-53-SI-4", "NIST-800-53-AU-6", "NIST-800-53-CA-7"),
    references=("https://prometheus.io/docs/guides/node-exporter/",),
    example="""\
# $ ps -eo pid=,args=
    1 /sbin/init
  640 /usr/sbin/sshd -D
  812 nginx: master process /usr/sbin/nginx
""",
    use_instead="""\
# $ ps -eo pid=,args=
    1 /sbin/init
  640 /usr/sbin/sshd -D
  702 /usr/bin/prometheus-node-exporter --collector.systemd
""",
    commands=(
        PS,
        "for d in /proc/[0-9]*; do … cat $d/cmdline; done (without ps)",
        "systemctl is-active -- <unit of each agent>.service (no process table)",
        curl_command("<url of monitoring.endpoints>"),
    ),
    reads=(),
    needs_root=(),
    profiles=("server",),
)
def monitoring_agent_running(host: Host) -> Iterator[Violation | Unknown]:
    agents = host.options.monitoring_agents
    table = processes(host)
    running: list[str] = []
    if table is not None:
        for proc in table:
            name = next((a for a in agents if _is_agent(proc, a)), None)
            if name is not None and name not in running:
                running.append(name)
    else:
        units = _active_units(host, agents)
        if units is None:
            yield Unknown(f"the process table of {host.label} cannot be read ({PS})")
            return
        running = units
    if not running:
        yield Violation(
            "no monitoring agent runs (searched the process table for host.monitoring.agents: "
            + ", ".join(agents)
            + ")"
        )
    for url in host.options.monitoring_endpoints:
        ok, why = fetch(host, url)
        if ok is None:
            yield Unknown(f"{why}: cannot fetch {url}")
        elif not ok or not why.startswith("2"):
            shown = why if not ok else f"HTTP {why}"
            yield Violation(f"monitoring endpoint {url} does not answer 2xx: {shown}")


def _active_units(host: Host, agents: tuple[str, ...]) -> list[str] | None:
    """Without a process table: the agents whose systemd unit is active (one call)."""
    if not (host.live and host.facts.init == "systemd" and host.has("systemctl")):
        return None
    units = [f"{a}.service" for a in agents if "*" not in a]
    result = host.run("systemctl is-active -- " + " ".join(shlex.quote(u) for u in units))
    states = result.out.split()
    if len(states) != len(units):
        return None
    return [u.removesuffix(".service") for u, s in zip(units, states, strict=True) if s == "active"]
