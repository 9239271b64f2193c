"""HOST-011 container-daemon-not-exposed: the container API is not a root shell on the
network (catalog §8.3)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import FileStat, Host, NeedsRoot
from pytest_devops_policy.knowledge.host.container_daemon import (
    DaemonConfig,
    Endpoint,
    containerd_tcp,
    daemon_json,
    dockerd_flags,
    exec_start,
    group_members,
    podman_service_endpoints,
    shell_var,
    tcp_endpoint,
)
from pytest_devops_policy.knowledge.host.services import PS, matching_processes
from pytest_devops_policy.knowledge.host.sockets import SS, read_listeners

SYSTEMCTL_CAT = "systemctl cat docker.service"
DEFAULT_DOCKER = "/etc/default/docker"
SYSCONFIG_DOCKER = "/etc/sysconfig/docker"
CONTAINERD_CONF = "/etc/containerd/config.toml"
# Unit files on disk, for a tree (image profile) where systemctl describes another machine.
UNIT_FILES = (
    "/etc/systemd/system/docker.service",
    "/usr/lib/systemd/system/docker.service",
    "/lib/systemd/system/docker.service",
    "/etc/systemd/system/docker.service.d/override.conf",
)
SOCKETS = (
    "/var/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/run/podman/podman.sock",
    "/var/run/crio/crio.sock",
)
_DAEMONS = ("dockerd", "containerd", "crio", "podman")
_SOCKET_GROUPS = frozenset({"root", "docker"})


@dataclass
class _Reading:
    """Every source read: who says what, what could not be read, whether a daemon exists."""

    docker: list[tuple[str, DaemonConfig]]
    present: list[str]
    unreadable: list[str]
    argv_visible: bool = False


def _read(host: Host, path: str, reading: _Reading) -> str | None:
    try:
        text = host.read_text(path)
    except NeedsRoot:
        reading.unreadable.append(path)
        return None
    if text is not None:
        reading.present.append(path)
    return text


def _docker_sources(host: Host, reading: _Reading) -> list[tuple[str, list[str]]]:
    """Reads the dockerd sources into ``reading``; returns podman/containerd endpoints as
    (evidence, [tcp values])."""
    other: list[tuple[str, list[str]]] = []
    procs = matching_processes(host, _DAEMONS) if host.live else None
    if procs is not None:
        for proc in procs:
            if proc.matches("dockerd"):
                reading.argv_visible = True
                reading.docker.append(
                    (f"dockerd argv ({PS}, pid {proc.pid})", dockerd_flags(proc.args))
                )
                reading.present.append("dockerd process")
            elif proc.matches("podman"):
                tcp = podman_service_endpoints(proc.args)
                if "service" in proc.args.split():
                    reading.present.append("podman service process")
                if tcp:
                    other.append((f"podman system service ({PS}, pid {proc.pid})", tcp))
            else:
                reading.present.append(f"{proc.argv0} process")
    path = host.path("docker_daemon_json")
    text = _read(host, path, reading)
    if text is not None:
        config = daemon_json(text)
        if config is None:
            reading.unreadable.append(f"{path} (not a JSON object)")
        else:
            reading.docker.append((path, config))
    if host.live and host.facts.init == "systemd" and host.has("systemctl"):
        result = host.run(SYSTEMCTL_CAT)
        if result.ok and result.out.strip():
            reading.present.append(SYSTEMCTL_CAT)
            reading.docker.append(
                (f"ExecStart ({SYSTEMCTL_CAT})", dockerd_flags(exec_start(result.out)))
            )
    elif not host.live:
        for unit in UNIT_FILES:
            unit_text = _read(host, unit, reading)
            if unit_text is not None:
                reading.docker.append((f"ExecStart ({unit})", dockerd_flags(exec_start(unit_text))))
    for file, var in ((DEFAULT_DOCKER, "DOCKER_OPTS"), (SYSCONFIG_DOCKER, "OPTIONS")):
        opts_text = _read(host, file, reading)
        if opts_text is not None:
            reading.docker.append((f"{var} ({file})", dockerd_flags(shell_var(opts_text, var))))
    conf = _read(host, CONTAINERD_CONF, reading)
    if conf is not None:
        grpc = containerd_tcp(conf)
        if grpc is not None and not grpc[1]:
            other.append(
                (f"containerd [grpc] tcp_address ({CONTAINERD_CONF})", [f"tcp://{grpc[0]}"])
            )
    return other


def _exposure(endpoint: Endpoint, what: str, evidence: str) -> Violation:
    if endpoint.loopback:
        return Violation(
            f"{what} listens on {endpoint.text} without TLS client verification ({evidence}): "
            "every local user and process can use it, which is root on this host",
            severity=Severity.HIGH,
        )
    return Violation(
        f"{what} listens on {endpoint.text} without TLS client verification ({evidence}): an "
        "unauthenticated root API on the network",
    )


def _socket_findings(stats: dict[str, FileStat | None]) -> Iterator[Violation]:
    for path, st in stats.items():
        if st is None or st.type != "socket":
            continue
        where = f"{path} is {st.octal} {st.owner}:{st.group}"
        if st.mode & 0o002:
            yield Violation(f"{where}: world-writable, so every local user is root")
            continue
        if st.uid != 0:
            yield Violation(f"{where}: not owned by root", severity=Severity.HIGH)
        if st.group not in _SOCKET_GROUPS:
            yield Violation(
                f"{where}: members of group {st.group} control the daemon (root or docker "
                "expected)",
                severity=Severity.HIGH,
            )
        if st.mode & 0o7777 & ~0o660:
            yield Violation(f"{where}: mode wider than 0660", severity=Severity.HIGH)


@policy(
    id="HOST-011",
    name="container-daemon-not-exposed",
    title="The container daemon's API is not reachable without authentication",
    severity=Severity.CRITICAL,
    rationale=(
        "The Docker, containerd, Podman and CRI-O APIs start privileged containers that "
        "mount the host's root file system: whoever reaches them is root. dockerd on "
        "tcp://0.0.0.0:2375 without TLS client verification is scanned for and taken over "
        "within hours (crypto-miners, botnets); on 127.0.0.1 it still makes every local "
        "user root, and so does a socket file that is world-writable or owned by another "
        "group. The docker group is root-equivalent too: its members are listed with the "
        "findings, or fail the policy when host.docker_group_allowed names who may be in it."
    ),
    remediation=(
        "Remove tcp:// from dockerd's -H flags, daemon.json \"hosts\", the unit's ExecStart "
        "and DOCKER_OPTS, and use the unix socket (or ssh://, 'docker context' over SSH); if "
        'a TCP API is needed, listen on :2376 with "tlsverify": true, "tlscacert", '
        '"tlscert" and "tlskey". Keep sockets root:docker (or root:root) 0660, empty '
        "containerd's [grpc] tcp_address, and keep the docker group to the accounts that "
        "must be root (host.docker_group_allowed)."
    ),
    controls=(
        "CIS-Docker-2.6",
        "CIS-Docker-3.15",
        "CIS-Docker-3.16",
        "NIST-800-53-AC-3",
        "NIST-800-53-AC-6",
        "NIST-800-53-SC-8",
        "CWE-306",
    ),
    references=("lynis:CONT-8104", "lynis:CONT-8108"),
    example="""\
# /etc/docker/daemon.json
{"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]}
""",
    use_instead="""\
# /etc/docker/daemon.json
{"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], "tlsverify": true,
 "tlscacert": "/etc/docker/tls/ca.pem", "tlscert": "/etc/docker/tls/server.pem",
 "tlskey": "/etc/docker/tls/server-key.pem"}
""",
    commands=(
        PS,
        SYSTEMCTL_CAT,
        SS,
        "netstat -tulnp",
        "stat -Lc '%n|%a|%u|%g|%U|%G|%F|%Y' -- " + " ".join(SOCKETS),
    ),
    reads=(
        "host.paths.docker_daemon_json (/etc/docker/daemon.json)",
        DEFAULT_DOCKER,
        SYSCONFIG_DOCKER,
        CONTAINERD_CONF,
        *(f"{u} (image profile)" for u in UNIT_FILES),
        "host.paths.group (/etc/group)",
        "host.paths.passwd (/etc/passwd)",
    ),
    needs_root=(f"{SS} (which process owns a TCP listener)",),
    profiles=("server", "image"),
)
def container_daemon_not_exposed(host: Host) -> Iterator[Violation | Unknown]:
    reading = _Reading([], [], [])
    other = _docker_sources(host, reading)
    stats = host.stat(SOCKETS)
    reading.present += [p for p, st in stats.items() if st is not None]
    if not reading.present and not reading.unreadable:
        yield NotApplicable(
            "no container daemon (dockerd, containerd, podman service, CRI-O): no process, "
            "socket, unit or configuration"
        )
        return
    findings: list[Violation] = []
    verified = any(config.tlsverify for _, config in reading.docker)
    seen: dict[str, list[str]] = {}
    for evidence, config in reading.docker:
        for value in config.hosts:
            if tcp_endpoint(value) is not None:
                seen.setdefault(value, []).append(evidence)
    if not verified:
        for value, sources in seen.items():
            endpoint = tcp_endpoint(value)
            assert endpoint is not None
            findings.append(_exposure(endpoint, "the Docker API", ", ".join(sources)))
    for evidence, values in other:
        for value in values:
            endpoint = tcp_endpoint(value)
            if endpoint is not None:
                what = "containerd's gRPC API" if "containerd" in evidence else "the Podman API"
                findings.append(_exposure(endpoint, what, evidence))
    # Cross-check: a TCP socket dockerd owns, which no source above explained.
    listeners, command = read_listeners(host) if host.live else (None, "")
    configured_ports = {e.port for v in seen if (e := tcp_endpoint(v)) is not None}
    for sock in listeners or []:
        if sock.proto == "tcp" and "dockerd" in sock.processes and not verified:
            if sock.port in configured_ports:
                continue
            endpoint = Endpoint(f"{sock.address}:{sock.port}", sock.address, sock.port)
            findings.append(_exposure(endpoint, "dockerd", command))
    findings += _socket_findings(stats)
    members, note = _docker_group(host)
    allowed = host.options.docker_group_allowed
    if allowed is not None:
        for name in members:
            if name not in allowed:
                findings.append(
                    Violation(
                        f"account '{name}' is in the docker group ({host.path('group')}), "
                        "which is root-equivalent, and not in host.docker_group_allowed",
                        severity=Severity.HIGH,
                    )
                )
    if findings:
        for finding in findings:
            if note and allowed is None:
                finding = Violation(finding.message + note, severity=finding.severity)
            yield finding
        return
    if reading.unreadable and not reading.argv_visible:
        yield Unknown(
            f"needs root on {host.label} (run as root, or with --sudo): read "
            f"{', '.join(reading.unreadable)}; and the process table shows no daemon argv"
        )


def _docker_group(host: Host) -> tuple[list[str], str]:
    """The docker group's members and the note that lists them ("" when none)."""
    try:
        group = host.read_text(host.path("group")) or ""
        accounts = host.read_text(host.path("passwd")) or ""
    except NeedsRoot:
        return [], ""
    members = group_members(group, accounts, "docker")
    if not members:
        return [], ""
    return members, (
        f"; note: the docker group (root-equivalent) has {', '.join(members)} "
        f"({host.path('group')})"
    )
