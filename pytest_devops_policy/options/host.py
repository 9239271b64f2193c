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
