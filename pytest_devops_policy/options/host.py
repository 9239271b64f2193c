"""``[tool.devops-policy.host]``: which live hosts to audit and how (catalog §8.1, §8.5).

The core knobs: host selection, the profile, the root a tree is read under, time and size
bounds, and the paths policies read. Each policy's own knobs follow in their blocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

from pytest_devops_policy.options.spec import KindOptions, option, positive_int

__all__ = ["DEFAULT_PATHS", "HostOptions"]

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
