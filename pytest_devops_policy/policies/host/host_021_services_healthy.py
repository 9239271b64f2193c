"""HOST-021 services-healthy: no failed systemd unit, the required services are up, no
container is unhealthy or restarting, and the health URLs answer (catalog §8.3)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host
from pytest_devops_policy.knowledge.host.containers import CLIS, curl_command, fetch, lines, run_cli
from pytest_devops_policy.knowledge.host.services import openrc_running, unit_state
from pytest_devops_policy.knowledge.host.systemd import LIST_FAILED, failed_units

UNHEALTHY = "{cli} ps --filter health=unhealthy --format '{{{{.Names}}}}'"
RESTARTING = "{cli} ps --filter status=restarting --format '{{{{.Names}}}}'"
RESTARTS = "{cli} inspect --format '{{{{.Name}}}} {{{{.RestartCount}}}}' $({cli} ps -q)"


@policy(
    id="HOST-021",
    name="services-healthy",
    title="No failed units, required services active, containers healthy, health URLs up",
    severity=Severity.HIGH,
    rationale=(
        "A failed unit is a service that is down, or a job (backup, certificate renewal, "
        "log rotation) that did not run, and nothing else tells anyone. A container in a "
        "restart loop or failing its health check serves errors while looking deployed. "
        "The health endpoint is what the load balancer sees; checked on the host, it says "
        "whether this machine would be taken out of rotation."
    ),
    remediation=(
        "Read the unit's log (journalctl -u UNIT -b), fix it and restart it, or disable it "
        "if it is not needed (systemctl disable --now UNIT; systemctl reset-failed). For "
        "containers: docker logs NAME and docker inspect NAME (State.Health). Units that "
        "may fail go in host.health.ignore_units; services that must run in "
        "host.health.required_units."
    ),
    controls=("NIST-800-53-SI-4", "NIST-800-53-CP-10", "NIST-800-53-SC-5", "CIS-Docker-5.26"),
    references=("https://www.freedesktop.org/software/systemd/man/latest/systemctl.html",),
    example="""\
# $ systemctl list-units --failed --no-legend --plain
certbot.service loaded failed failed Certbot
nginx.service   loaded failed failed A high performance web server
""",
    use_instead="""\
# $ systemctl list-units --failed --no-legend --plain

""",
    commands=(
        LIST_FAILED,
        "systemctl is-active -- <unit of health.required_units>",
        "rc-service <service> status",
        *(c.format(cli=cli) for cli in CLIS for c in (UNHEALTHY, RESTARTING, RESTARTS)),
        curl_command("<url of health.urls>"),
    ),
    reads=(),
    needs_root=("docker ps (root or the docker group)",),
    profiles=("server", "container"),
)
def services_healthy(host: Host) -> Iterator[Violation | Unknown]:
    judged = False
    if host.profile == "server":
        for finding in _units(host):
            judged = True
            if finding is not None:
                yield finding
        for finding in _containers(host):
            judged = True
            if finding is not None:
                yield finding
    for url in host.options.health_urls:
        judged = True
        ok, why = fetch(host, url)
        if ok is None:
            yield Unknown(f"{why}: cannot fetch {url}")
        elif not ok:
            yield Violation(f"health URL {url} does not answer: {why} ({curl_command(url)})")
    if not judged:
        yield NotApplicable(
            "nothing to judge: "
            + (
                "no systemd, no OpenRC, no usable container CLI and no health.urls"
                if host.profile == "server"
                else "the container profile checks health.urls only, and none is set"
            )
        )


def _units(host: Host) -> Iterator[Violation | Unknown | None]:
    """Findings about units (None: judged, nothing found)."""
    if not host.live:
        return
    if host.facts.init == "systemd" and host.has("systemctl"):
        result = host.run(LIST_FAILED)
        if result.ok:
            ignored = host.options.health_ignore_units
            failed = [
                u
                for u in failed_units(result.out)
                if not any(fnmatch.fnmatchcase(u, g) for g in ignored)
            ]
            yield None
            if failed:
                yield Violation(f"failed systemd units: {', '.join(failed)} ({LIST_FAILED})")
        else:
            yield Unknown(f"{LIST_FAILED} failed: {result.err.strip()[:200]}")
    if host.facts.init not in ("systemd", "openrc"):
        for unit in host.options.health_required_units:
            yield Unknown(f"required unit {unit}: {host.label} runs no systemd or OpenRC to ask")
        return
    for unit in host.options.health_required_units:
        if host.facts.init == "systemd":
            state = unit_state(host, unit)
            if state is None:
                yield Unknown(f"cannot ask systemd whether required unit {unit} is active")
            elif state != "active":
                yield Violation(
                    f"required unit {unit} is {state} (systemctl is-active -- {unit}; "
                    "health.required_units)"
                )
            else:
                yield None
        else:
            started = openrc_running(host, unit)
            if started is None:
                yield Unknown(f"cannot ask OpenRC whether required service {unit} runs")
            elif not started:
                yield Violation(
                    f"required service {unit} is not started (rc-service {unit} status)"
                )
            else:
                yield None


def _containers(host: Host) -> Iterator[Violation | Unknown | None]:
    for cli in CLIS:
        unhealthy = run_cli(host, UNHEALTHY.format(cli=cli))
        if unhealthy.denied:
            yield Unknown(
                f"needs root on {host.label} (run as root, or with --sudo): {cli} ps "
                f"({unhealthy.why})"
            )
            continue
        if unhealthy.result is None:
            continue
        yield None
        names = lines(unhealthy.result)
        if names:
            yield Violation(
                f"unhealthy containers: {', '.join(names)} ({cli} ps --filter health=unhealthy)"
            )
        restarting = run_cli(host, RESTARTING.format(cli=cli))
        names = lines(restarting.result)
        if names:
            yield Violation(
                f"containers restarting: {', '.join(names)} ({cli} ps --filter status=restarting)"
            )
        counts = run_cli(host, RESTARTS.format(cli=cli))
        limit = host.options.health_max_restarts
        for line in lines(counts.result):
            name, _, count = line.rpartition(" ")
            if count.isdigit() and int(count) > limit:
                yield Violation(
                    f"container {name.lstrip('/')} has restarted {count} times (more than "
                    f"health.max_restarts = {limit})",
                    severity=Severity.LOW,
                )
