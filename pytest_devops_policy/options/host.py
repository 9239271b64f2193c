"""``[tool.devops-policy.host]``: which live hosts to audit and how (catalog §8.1, §8.5).

The core knobs: host selection, the profile, the root a tree is read under, time and size
bounds, and the paths policies read. Each policy's own knobs follow in their blocks.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal
from urllib.parse import urlsplit

from pytest_devops_policy.options.spec import KindOptions, option, positive_int
from pytest_devops_policy.options.terraform import DEFAULT_ADMIN_PORTS, DEFAULT_DB_PORTS, _ports

__all__ = ["DEFAULT_CRITICAL_PORTS", "DEFAULT_LISTEN_ALLOW", "DEFAULT_PATHS", "HostOptions"]

# Where policies read each file, relative to ``root`` (``proc_sys`` is not prefixed).
DEFAULT_PATHS: Mapping[str, str] = {
    "passwd": "/etc/passwd",
    "shadow": "/etc/shadow",
    "group": "/etc/group",
    "gshadow": "/etc/gshadow",
    "sudoers": "/etc/sudoers",
    "sshd_config": "/etc/ssh/sshd_config",
    "crontab": "/etc/crontab",
    "journald_conf": "/etc/systemd/journald.conf",
    "logrotate_conf": "/etc/logrotate.conf",
    "audit_rules_dir": "/etc/audit/rules.d",
    "auditd_conf": "/etc/audit/auditd.conf",
    "docker_daemon_json": "/etc/docker/daemon.json",
    "nginx_conf": "/etc/nginx/nginx.conf",
    "apache_conf": "/etc/apache2/apache2.conf",
    "httpd_conf": "/etc/httpd/conf/httpd.conf",
    "haproxy_cfg": "/etc/haproxy/haproxy.cfg",
    "os_release": "/etc/os-release",
    "reboot_required": "/var/run/reboot-required",
    "proc_sys": "/proc/sys",
}


# HOST-012's hardening table: each kernel parameter's running value on a server ("2"
# exactly, ">=1" at least).
DEFAULT_SYSCTL_EXPECTED: Mapping[str, str] = {
    "kernel.randomize_va_space": "2",
    "fs.suid_dumpable": "0",
    "net.ipv4.tcp_syncookies": "1",
    "net.ipv4.conf.all.accept_redirects": "0",
    "net.ipv4.conf.default.accept_redirects": "0",
    "net.ipv4.conf.all.send_redirects": "0",
    "net.ipv4.conf.default.send_redirects": "0",
    "net.ipv4.conf.all.secure_redirects": "0",
    "net.ipv4.conf.default.secure_redirects": "0",
    "net.ipv4.conf.all.accept_source_route": "0",
    "net.ipv4.conf.default.accept_source_route": "0",
    "net.ipv6.conf.all.accept_redirects": "0",
    "net.ipv6.conf.default.accept_redirects": "0",
    "net.ipv6.conf.all.accept_source_route": "0",
    "net.ipv6.conf.default.accept_source_route": "0",
    "kernel.yama.ptrace_scope": ">=1",
    "fs.protected_hardlinks": "1",
    "fs.protected_symlinks": "1",
    "kernel.kptr_restrict": ">=1",
    "kernel.dmesg_restrict": "1",
    "net.ipv4.ip_forward": "0",
    "net.ipv6.conf.all.forwarding": "0",
}
DEFAULT_LISTEN_ALLOW = ("tcp:22:sshd", "udp:68:*", "udp:546:*")
# The ports Terraform policies call administration and database ports, plus etcd.
DEFAULT_CRITICAL_PORTS: tuple[int | str, ...] = (
    *DEFAULT_ADMIN_PORTS,
    *DEFAULT_DB_PORTS,
    "2379-2380",
)
_ALLOW = re.compile(r"^(tcp|udp|\*):(\d{1,5})(?:-(\d{1,5}))?:(\S+)$")


def _listen_allow(value: object) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise ValueError("must be a list of proto:port[-port]:process-glob")
    for item in items:
        m = _ALLOW.match(str(item).strip()) if isinstance(item, str) else None
        if m is None or int(m.group(2)) > 65535 or int(m.group(3) or m.group(2)) > 65535:
            raise ValueError(
                f"{item!r} is not proto:port[-port]:process-glob (tcp:22:sshd, udp:68:*)"
            )
        if m.group(3) and int(m.group(3)) < int(m.group(2)):
            raise ValueError(f"{item!r}: the range ends before it starts")
    return tuple(str(i).strip() for i in items)


def _role(value: object) -> str:
    if value in ("", "router"):
        return str(value)
    raise ValueError('must be "router" or ""')


def _tri_state(value: object) -> str:
    text = str(value).strip().lower() if isinstance(value, (str, bool)) else ""
    if text in ("auto", "true", "false"):
        return text
    raise ValueError('must be "auto", true or false')


def _flat_keys(table: Mapping[object, object], prefix: str = "") -> dict[str, object]:
    """TOML turns an unquoted kernel.randomize_va_space into nested tables: join them back."""
    out: dict[str, object] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flat_keys(value, name + "."))
        else:
            out[name] = value
    return out


def _sysctl_expected(value: object) -> Mapping[str, str]:
    from pytest_devops_policy.knowledge.host.sysctl import parse_expectation, valid_key

    if not isinstance(value, Mapping):
        raise ValueError("must be a table of kernel parameters to values")
    merged = dict(DEFAULT_SYSCTL_EXPECTED)
    for key, wanted in _flat_keys(value).items():
        if not valid_key(key):
            raise ValueError(f"{key!r} is not a kernel parameter such as fs.suid_dumpable")
        if wanted is None or wanted is False or wanted == "":
            merged.pop(key, None)
            continue
        merged[key] = parse_expectation(wanted).text
    return merged


def _specs(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [p for p in value.split(",")]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise ValueError("must be a list of host specs (local://, ssh://user@host, ...)")


def _paths(value: object) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError("must be a table of file names to absolute paths")
    unknown = sorted(set(value) - set(DEFAULT_PATHS))
    if unknown:
        raise ValueError(
            f"names no known file: {', '.join(map(str, unknown))} "
            f"(known: {', '.join(DEFAULT_PATHS)})"
        )
    out = dict(DEFAULT_PATHS)
    for key, path in value.items():
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError(f"{key} must be an absolute path, not {path!r}")
        out[str(key)] = path
    return out


def _seconds(value: object) -> float:
    if isinstance(value, str):
        value = value.strip().removesuffix("s")
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError("must be a number of seconds") from None
    if seconds <= 0:
        raise ValueError("must be more than 0 seconds")
    return seconds


def _root_login_values(value: object) -> tuple[str, ...]:
    known = ("yes", "no", "prohibit-password", "without-password", "forced-commands-only")
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(v, str) for v in items):
        raise ValueError("must be a list of PermitRootLogin values")
    out = tuple(str(v).strip().lower() for v in items)
    wrong = [v for v in out if v not in known]
    if wrong:
        raise ValueError(f"has {', '.join(wrong)}: PermitRootLogin takes {', '.join(known)}")
    return out


def _ip_address(value: object) -> str:
    import ipaddress

    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        raise ValueError("must be an IP address") from None


_PROTOCOLS = {
    p.lower(): p for p in ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
} | {"tlsv1.0": "TLSv1"}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ValueError("must be a list of strings")


def _protocols(value: object) -> tuple[str, ...]:
    out = []
    for name in _strings(value):
        canonical = _PROTOCOLS.get(name.lower())
        if canonical is None:
            raise ValueError(
                f"{name!r} is no protocol (known: {', '.join(dict.fromkeys(_PROTOCOLS.values()))})"
            )
        out.append(canonical)
    return tuple(dict.fromkeys(out))


def _absolute_globs(value: object) -> tuple[str, ...]:
    out = _strings(value)
    for path in out:
        if not path.startswith("/"):
            raise ValueError(f"{path!r} is not an absolute path")
    return tuple(out)


# HOST-019: the monitoring agents looked for.
MONITORING_AGENTS = (
    "node_exporter",
    "prometheus-node-exporter",
    "datadog-agent",
    "otelcol",
    "otelcol-contrib",
    "grafana-agent",
    "alloy",
    "telegraf",
    "collectd",
    "collectdmon",
    "zabbix_agentd",
    "zabbix_agent2",
    "newrelic-infra",
    "amazon-cloudwatch-agent",
    "google_cloud_ops_agent",
    "otelopscol",
    "elastic-agent",
    "metricbeat",
    "netdata",
    "nrpe",
)
# HOST-020: what makes a scheduled command a backup, and a backup verification.
BACKUP_PATTERNS = (
    r"\brestic\b.*\bbackup\b",
    r"\bborg\b.*\bcreate\b",
    r"\bborgmatic\b",
    r"\bduplicity\b",
    r"\bduplicacy\b.*\bbackup\b",
    r"\bkopia\b.*\bsnapshot\s+create\b",
    r"\brclone\b.*\b(sync|copy)\b",
    r"\bpgbackrest\b.*\bbackup\b",
    r"\bbarman\b.*\bbackup\b",
    r"\bpg_dump(all)?\b",
    r"\bpg_basebackup\b",
    r"\bwal-g\b.*\bbackup-push\b",
    r"\bmysqldump\b",
    r"\bmariadb-dump\b",
    r"\bxtrabackup\b",
    r"\bmariabackup\b",
    r"\bmongodump\b",
    r"\betcdctl\b.*\bsnapshot\s+save\b",
    r"\bvelero\b.*\bbackup\b",
    r"\brsnapshot\b",
    r"\baws\s+s3\s+(cp|sync)\b",
    r"\bgsutil\b.*\b(cp|rsync)\b",
    r"\bazcopy\b",
)
VERIFY_PATTERNS = (
    r"\brestic\b.*\bcheck\b",
    r"\bborg\b.*\bcheck\b",
    r"\bborgmatic\b.*\bcheck\b",
    r"\bkopia\b.*\bsnapshot\s+verify\b",
    r"\bpgbackrest\b.*\b(verify|check)\b",
    r"\bbarman\b.*\bcheck\b",
    r"\bduplicity\b.*\bverify\b",
)


def _is_loopback_ip(text: str) -> bool:
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def _loopback_urls(value: object) -> tuple[str, ...]:
    """http(s) URLs of this host's loopback only: they are fetched on the audited host, and
    a policy run must not make it reach out to other machines."""
    out = _strings(value)
    for url in out:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        loopback = host == "localhost" or _is_loopback_ip(host)
        if parts.scheme not in ("http", "https") or not loopback:
            raise ValueError(
                f"{url!r} is not a loopback http(s) URL (http://127.0.0.1:PORT/..., "
                "http://[::1]:PORT/..., http://localhost:PORT/...)"
            )
        if any(c in url for c in "'\"\\ \n`$"):
            raise ValueError(f"{url!r} holds a quote, space, backquote or $")
    return tuple(out)


def _auto_bool(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.strip().lower() in ("auto", "true", "false"):
        return value.strip().lower()
    raise ValueError('must be "auto", true or false')


def _regexes(value: object) -> tuple[str, ...]:
    out = _strings(value)
    for pattern in out:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{pattern!r} is not a regular expression ({exc})") from None
    return tuple(out)


DEFAULT_AUDIT_WATCH_PATHS = (
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/security/opasswd",
    "/etc/sudoers",
    "/etc/sudoers.d",
)
DEFAULT_LOG_SHIPPERS = (
    "fluent-bit",
    "fluentd",
    "td-agent",
    "td-agent-bit",
    "vector",
    "promtail",
    "alloy",
    "grafana-agent",
    "filebeat",
    "elastic-agent",
    "otelcol",
    "otelcol-contrib",
    "splunkd",
    "nxlog",
    "amazon-cloudwatch-agent",
    "datadog-agent",
)


def _days(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError("must be a whole number of days >= 0")


# HOST-012's hardening table: each kernel parameter's running value on a server ("2"
# exactly, ">=1" at least).
@dataclass(frozen=True)
class HostOptions(KindOptions):
    TABLE: ClassVar[str] = "host"

    hosts: tuple[str, ...] = option(
        (),
        "The hosts to audit, as testinfra host specs (local://, ssh://user@host, "
        "docker://container, chroot:///path ...). Nothing runs against any host, not even "
        "local://, unless it is named here or with --devops-policy-hosts.",
        parse=_specs,
        type_text="list of string",
    )
    profile: Literal["auto", "server", "container", "image"] = option(
        "auto",
        "What the host is: 'server' judges everything, 'container' leaves out the node's "
        "kernel, clock, firewall and audit, 'image' judges configuration on disk only. "
        "'auto' takes it from the scheme (ssh:// server, docker:// container, chroot:// "
        "image) and, for local://, from the facts at run time.",
    )
    root: str = option(
        "/",
        "Read every file under this directory instead of / (a mounted image, a test tree). "
        "Any root other than / makes the profile 'image': commands describe the live "
        "machine, not the tree, so they are not used.",
    )
    command_timeout: float = option(
        30.0, "Seconds one command may take before its evidence is Unknown.", parse=_seconds
    )
    slow_command_timeout: float = option(
        300.0,
        "Seconds the slow commands (find walks, package-manager simulations) may take.",
        parse=_seconds,
    )
    connect_timeout: float = option(
        10.0, "Seconds the connection to a host may take (testinfra's timeout=).", parse=_seconds
    )
    budget_seconds: float = option(
        900.0,
        "Seconds all of one host's policies may take together; past it, the host's "
        "remaining items are Unknown.",
        parse=_seconds,
    )
    max_read_bytes: int = option(
        1024 * 1024, "Most bytes read of one file on the host.", parse=positive_int
    )
    max_findings: int = option(
        50, "Most findings one failing host item lists (plus a count).", parse=positive_int
    )
    paths: Mapping[str, str] = option(
        DEFAULT_PATHS,
        "Where each file is read, relative to root (proc_sys is not prefixed by root).",
        parse=_paths,
        type_text="table of string",
    )

    # -- HOST-004 (accounts)
    accounts_uid0_allowed: tuple[str, ...] = option(
        (),
        "Accounts besides root that may have UID 0 (accounts.uid0_allowed).",
        policies=("HOST-004",),
    )

    # -- HOST-009 .. HOST-012 (network: firewall, listeners, container daemon, sysctl)
    role: str = option(
        "",
        "What the host is for, where it changes a verdict: 'router' lets it forward packets "
        "(net.ipv4.ip_forward, net.ipv6.conf.all.forwarding) under sysctl.allow_forwarding "
        "= 'auto'.",
        policies=("HOST-012",),
        parse=_role,
    )
    firewall: Literal["required", "external"] = option(
        "required",
        "'required': the host filters inbound traffic itself (HOST-009). 'external': cloud "
        "security groups or NSGs do it (TF-006/007 judge those), and HOST-009 has no item.",
        policies=("HOST-009",),
    )
    listen_allow: tuple[str, ...] = option(
        DEFAULT_LISTEN_ALLOW,
        "Sockets that may listen on non-loopback addresses, as proto:port[-port]:process-glob "
        "(tcp:22:sshd, udp:68:*, tcp:8000-8100:gunicorn*). A '*' process matches any "
        "process, including one whose owner is not visible without root.",
        policies=("HOST-010",),
        parse=_listen_allow,
    )
    critical_ports: tuple[int | str, ...] = option(
        DEFAULT_CRITICAL_PORTS,
        "Ports (and ranges) whose exposed listener is critical rather than high: the "
        "administration and database ports of tf.admin_ports and tf.db_ports, and etcd's "
        "2379-2380.",
        policies=("HOST-010",),
        parse=_ports,
        type_text="list of port or range",
    )
    sysctl_expected: Mapping[str, str] = option(
        DEFAULT_SYSCTL_EXPECTED,
        'Kernel parameters and their expected running values (2, or ">=1" for at least), '
        'merged over HOST-012\'s table; a key set to false or "" (null where the format '
        'has one) is not judged. Quote dotted keys: { "fs.suid_dumpable" = 2 }.',
        policies=("HOST-012",),
        parse=_sysctl_expected,
        type_text="table of value",
    )
    sysctl_allow_forwarding: Literal["auto", "true", "false"] = option(
        "auto",
        "Whether IP forwarding may be on: 'auto' allows it when dockerd, containerd, "
        "kubelet, libvirtd or podman networking is present, or host.role = 'router'.",
        policies=("HOST-012",),
        parse=_tri_state,
        type_text='"auto", true or false',
    )
    docker_group_allowed: tuple[str, ...] | None = option(
        None,
        "The accounts that may be in the docker group (root-equivalent). Unset: members are "
        "listed with other HOST-011 findings; a list: other members fail HOST-011.",
        policies=("HOST-011",),
    )

    # -- HOST-001, HOST-002, HOST-003 (sshd)
    ssh_root_login_allowed: tuple[str, ...] = option(
        ("no", "prohibit-password", "without-password", "forced-commands-only"),
        "PermitRootLogin values accepted in every context (ssh.root_login_allowed); "
        'prohibit-password and without-password are one value. CIS and STIG want ["no"].',
        policies=("HOST-001",),
        parse=_root_login_values,
        type_text="list of string",
    )
    ssh_max_auth_tries: int = option(
        4,
        "Highest MaxAuthTries accepted (ssh.max_auth_tries; OpenSSH's default is 6).",
        policies=("HOST-003",),
        parse=positive_int,
    )
    ssh_max_login_grace: int = option(
        60,
        "Highest LoginGraceTime accepted, in seconds (ssh.max_login_grace; OpenSSH's default "
        "is 120; 0, no limit, always fails).",
        policies=("HOST-003",),
        parse=positive_int,
    )
    ssh_weak_ciphers: tuple[str, ...] = option(
        (
            "*-cbc",
            "3des-cbc",
            "arcfour*",
            "blowfish-cbc",
            "cast128-cbc",
            "rijndael-cbc@lysator.liu.se",
        ),
        "Cipher name patterns sshd must not offer (ssh.weak_ciphers; * and ? wildcards).",
        policies=("HOST-003",),
    )
    ssh_weak_macs: tuple[str, ...] = option(
        ("hmac-md5*", "hmac-sha1*", "umac-64*", "hmac-ripemd160*", "*-96"),
        "MAC name patterns sshd must not offer (ssh.weak_macs; * and ? wildcards).",
        policies=("HOST-003",),
    )
    ssh_weak_kex: tuple[str, ...] = option(
        (
            "diffie-hellman-group1-sha1",
            "diffie-hellman-group14-sha1",
            "diffie-hellman-group-exchange-sha1",
            "gss-*-sha1-*",
        ),
        "Key exchange name patterns sshd must not offer (ssh.weak_kex; * and ? wildcards).",
        policies=("HOST-003",),
    )
    ssh_weak_hostkey_algorithms: tuple[str, ...] = option(
        ("ssh-dss", "ssh-rsa"),
        "Host key algorithm patterns sshd must not offer (ssh.weak_hostkey_algorithms).",
        policies=("HOST-003",),
    )
    ssh_match_probe_address: str = option(
        "192.0.2.1",
        "The client address a Match block is evaluated with when it names no address "
        "(ssh.match_probe_address; TEST-NET-1 stands for 'anywhere'), as sshd -T -C addr=.",
        policies=("HOST-001", "HOST-002", "HOST-003"),
        parse=_ip_address,
    )

    # -- HOST-018 (TLS endpoints)
    tls_min_days_left: int = option(
        21,
        "Fewest days a certificate may have left before it fails (tls.min_days_left); ACME "
        "clients renew at 30 days left, so fewer than 21 means renewal is failing.",
        policies=("HOST-018",),
        parse=positive_int,
    )
    tls_weak_protocols: tuple[str, ...] = option(
        ("SSLv3", "TLSv1", "TLSv1.1"),
        "Protocol versions a TLS server must not enable (tls.weak_protocols): nginx "
        "ssl_protocols, Apache SSLProtocol, HAProxy ssl-min-ver/force-* options.",
        policies=("HOST-018",),
        parse=_protocols,
        type_text="list of string",
    )
    cert_paths: tuple[str, ...] = option(
        (),
        "More certificate files to check (absolute paths, globs allowed), besides those the "
        "nginx, Apache and HAProxy configurations name.",
        policies=("HOST-018",),
        parse=_absolute_globs,
        type_text="list of string",
    )

    # -- HOST-020 (backups)
    backup_required: str = option(
        "auto",
        "Whether the host must have scheduled backups (backup.required): true, false (the "
        "policy does not apply), or 'auto': when a stateful service (PostgreSQL, MySQL, "
        "MongoDB, Redis, etcd, Elasticsearch...) or one of backup.stateful_processes runs.",
        policies=("HOST-020",),
        parse=_auto_bool,
        type_text='"auto", true or false',
    )
    backup_stateful_processes: tuple[str, ...] = option(
        (),
        "More process names (globs, matched on the full argv) whose data needs backups "
        "(backup.stateful_processes).",
        policies=("HOST-020",),
    )
    backup_patterns: tuple[str, ...] = option(
        BACKUP_PATTERNS,
        "Regular expressions that make a scheduled command a backup job (backup.patterns), "
        "matched line by line against cron jobs, timers' ExecStart and the scripts they name.",
        policies=("HOST-020",),
        parse=_regexes,
        type_text="list of string",
    )
    backup_verify_patterns: tuple[str, ...] = option(
        VERIFY_PATTERNS,
        "Regular expressions that make a scheduled command a backup verification "
        "(backup.verify_patterns): restic check, borg check, pgbackrest verify...",
        policies=("HOST-020",),
        parse=_regexes,
        type_text="list of string",
    )
    backup_max_age_hours: int = option(
        48,
        "Most hours since a backup timer's service last finished (backup.max_age_hours).",
        policies=("HOST-020",),
        parse=positive_int,
    )

    # -- HOST-021 (health)
    health_ignore_units: tuple[str, ...] = option(
        (),
        "Failed systemd units to leave out, as globs (health.ignore_units), e.g. "
        "'systemd-networkd-wait-online.service'.",
        policies=("HOST-021",),
    )
    health_required_units: tuple[str, ...] = option(
        (),
        "Units (systemd) or services (OpenRC) that must be active (health.required_units).",
        policies=("HOST-021",),
    )
    health_urls: tuple[str, ...] = option(
        (),
        "Health endpoints fetched on the host with curl (health.urls); loopback URLs only "
        "(http://127.0.0.1:8080/healthz): an HTTP status of 400 or more, or no answer, fails.",
        policies=("HOST-021",),
        parse=_loopback_urls,
        type_text="list of string",
    )
    health_max_restarts: int = option(
        5,
        "Most restarts a running container may have had before it is reported, at low "
        "severity (health.max_restarts).",
        policies=("HOST-021",),
        parse=positive_int,
    )

    # -- HOST-019 (monitoring)
    monitoring_agents: tuple[str, ...] = option(
        MONITORING_AGENTS,
        "Process names of monitoring agents, one of which must run (monitoring.agents); "
        "matched on the full command line, globs allowed.",
        policies=("HOST-019",),
    )
    monitoring_endpoints: tuple[str, ...] = option(
        (),
        "Agent endpoints fetched on the host with curl (monitoring.endpoints), loopback "
        "URLs only (http://127.0.0.1:9100/metrics): anything but a 2xx answer fails.",
        policies=("HOST-019",),
        parse=_loopback_urls,
        type_text="list of string",
    )

    # -- HOST-022 (resource limits)
    limits_units: tuple[str, ...] = option(
        (),
        "systemd units whose memory and task limits are checked (limits.units), e.g. "
        "'app.service'.",
        policies=("HOST-022",),
    )
    limits_require_cpu: bool = option(
        False,
        "Fail containers and limits.units without a CPU limit too (limits.require_cpu); off "
        "by default: a host has no scheduler that a CPU limit protects.",
        policies=("HOST-022",),
    )

    # -- HOST-014 (pending updates)
    updates_max_index_age_days: int = option(
        7,
        "Days the local package index may age before pending updates cannot be judged "
        "(updates.max_index_age_days): a stale index hides updates.",
        policies=("HOST-014",),
        parse=positive_int,
        type_text="integer >= 1",
    )
    updates_reboot_grace_days: int = option(
        7,
        "Days a pending reboot (reboot-required flag, newer kernel) may wait before it fails "
        "(updates.reboot_grace_days).",
        policies=("HOST-014",),
        parse=_days,
        type_text="integer >= 0",
    )
    updates_alpine_all_count: bool = option(
        True,
        "Alpine's apk has no security classification: count every pending update (severity "
        "medium) when true; when false, pending updates make the item Unknown.",
        policies=("HOST-014",),
    )

    # -- HOST-016 (audit)
    audit_watch_paths: tuple[str, ...] = option(
        DEFAULT_AUDIT_WATCH_PATHS,
        "Files and directories whose writes and attribute changes the audit rules must watch "
        "(audit.watch_paths; -w PATH -p wa, or -F path=/dir= with perm=wa).",
        policies=("HOST-016",),
        type_text="list of absolute path",
    )
    audit_require_immutable: bool = option(
        False,
        "Require immutable audit rules (auditctl -s: enabled 2, from -e 2): tamper-proof, "
        "but every rule change needs a reboot.",
        policies=("HOST-016",),
    )
    audit_alternatives: tuple[str, ...] = option(
        ("auditbeat", "go-audit", "osqueryd", "falco", "tetragon"),
        "Processes that audit the host instead of auditd (audit.alternatives); their rules "
        "are not verified.",
        policies=("HOST-016",),
    )

    # -- HOST-013 (automatic updates)
    patching: Literal["auto", "managed", "immutable"] = option(
        "auto",
        "How the hosts are patched: 'auto' judges their automatic updates (HOST-013); "
        "'managed' (Landscape, SSM Patch Manager, Satellite, scheduled Ansible) and "
        "'immutable' (hosts are replaced by rebuilt images) remove HOST-013. HOST-014 stays.",
        policies=("HOST-013",),
    )

    # -- HOST-017 (logs)
    min_log_retention_days: int = option(
        90,
        "The fewest days logs must be kept on a host whose logs are not shipped elsewhere "
        "(journald MaxRetentionSec, or logrotate rotate x period).",
        policies=("HOST-017",),
        parse=positive_int,
        type_text="integer >= 1",
    )
    log_shippers: tuple[str, ...] = option(
        DEFAULT_LOG_SHIPPERS,
        "Processes that ship logs off the host (log_shippers); one running satisfies "
        "central logging.",
        policies=("HOST-017",),
    )

    # -- HOST-015 (time)
    time_max_offset_ms: int = option(
        500,
        "Milliseconds chrony's system clock may be off NTP time (time.max_offset_ms).",
        policies=("HOST-015",),
        parse=positive_int,
        type_text="integer >= 1",
    )

    # -- HOST-005 (sudo)
    sudo_nopasswd_allowed: tuple[str, ...] = option(
        (),
        "Principals (user, %group or User_Alias name as written in sudoers, or a doas "
        "identity) that may run root commands without a password (sudo.nopasswd_allowed).",
        policies=("HOST-005",),
    )
    sudo_shell_like_commands: tuple[str, ...] = option(
        (
            "python*",
            "perl",
            "ruby",
            "node",
            "vi* *",
            "nano *",
            "less *",
            "more *",
            "find",
            "env",
            "tee",
            "cp",
            "chmod",
            "chown",
            "docker",
            "systemctl",
        ),
        "Programs that amount to a root shell when granted without a password "
        "(sudo.shell_like_commands): globs on the program's name, counted when the sudoers "
        "rule leaves the arguments free (none written, or a wildcard); a trailing ' *' "
        "counts the program with any arguments (editors and pagers open a shell from "
        "whatever file they show).",
        policies=("HOST-005",),
    )

    # -- HOST-007 (world-writable files)
    system_dirs: tuple[str, ...] = option(
        (
            "/etc",
            "/usr",
            "/bin",
            "/sbin",
            "/lib",
            "/lib32",
            "/lib64",
            "/libx32",
            "/boot",
            "/opt",
            "/srv",
            "/root",
            "/var/lib",
        ),
        "Directories searched for world-writable files and directories (under root).",
        policies=("HOST-007",),
    )
    sticky_roots: tuple[str, ...] = option(
        ("/",),
        "Where world-writable directories without the sticky bit are searched, besides the "
        "separately mounted /tmp, /var/tmp and /dev/shm (under root).",
        policies=("HOST-007",),
    )
    world_writable_allow: tuple[str, ...] = option(
        (),
        "Globs of paths that may be world-writable (HOST-007), e.g. '/srv/drop/*'.",
        policies=("HOST-007",),
    )

    # -- HOST-008 (exposed secrets)
    secret_files: tuple[str, ...] = option(
        (),
        "Files holding secrets whose permissions HOST-008 checks like private keys, e.g. "
        "'/srv/app/.env' (a glob in the last path component is expanded).",
        policies=("HOST-008",),
    )
    key_groups: tuple[str, ...] = option(
        ("root", "ssl-cert", "ssh_keys"),
        "Groups that may read private keys and secret files (HOST-008).",
        policies=("HOST-008",),
    )
