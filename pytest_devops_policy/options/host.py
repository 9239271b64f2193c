"""``[tool.devops-policy.host]``: which live hosts to audit and how (catalog §8.1, §8.5).

The core knobs: host selection, the profile, the root a tree is read under, time and size
bounds, and the paths policies read. Each policy's own knobs follow in their blocks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

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
