"""The facts probe (catalog §8.2-1): one POSIX sh command per host, one round trip.

It prints ``key=value`` lines: who we are (uid), the OS (os-release), the init system, the
container markers, which commands exist, and which ``timeout`` the host has. Everything a
policy decides about the host before reading its evidence comes from here.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

__all__ = ["COMMANDS", "PATH_PREFIX", "Facts", "facts_script", "parse_facts"]

# Non-login ssh shells lack /usr/sbin, where sshd, nft and iptables live; appended, so that
# a test's shims stay first on PATH. LC_ALL=C: every parser reads the C locale's output.
PATH_PREFIX = "PATH=$PATH:/usr/sbin:/sbin; LC_ALL=C; export PATH LC_ALL; "

COMMANDS = [
    "sshd",
    "nft",
    "iptables",
    "ip6tables",
    "ufw",
    "firewall-cmd",
    "ss",
    "netstat",
    "auditctl",
    "chronyc",
    "timedatectl",
    "ntpq",
    "ntpctl",
    "apt-get",
    "apt-config",
    "dpkg-query",
    "dnf",
    "yum",
    "rpm",
    "apk",
    "needs-restarting",
    "docker",
    "podman",
    "systemctl",
    "journalctl",
    "logrotate",
    "nginx",
    "apachectl",
    "apache2ctl",
    "haproxy",
    "find",
    "stat",
    "timeout",
    "curl",
    "sudo",
    "ps",
    "rc-service",
    "systemd-detect-virt",
]

_FAMILIES = {
    "debian": ("debian", "ubuntu", "raspbian", "linuxmint"),
    "rhel": ("rhel", "centos", "rocky", "almalinux", "ol", "fedora", "amzn"),
    "alpine": ("alpine",),
    "suse": ("sles", "opensuse", "suse", "opensuse-leap", "opensuse-tumbleweed"),
    "arch": ("arch", "manjaro"),
}
_IMMUTABLE = ("flatcar", "bottlerocket", "cos", "fedora-coreos", "talos")
# PID 1 names of an init system: anything else as PID 1 means a container's entrypoint.
_INITS = frozenset({"systemd", "init", "upstart", "openrc-init", "runit", "s6-svscan"})


def facts_script(root: str) -> str:
    """The probe, reading the OS and init from ``root`` (a tree) and the rest live."""
    r = shlex.quote(root.rstrip("/"))
    commands = " ".join(COMMANDS)
    return (
        PATH_PREFIX
        + f"R={r}; "
        + 'echo "uid=$(id -u 2>/dev/null)"; '
        + 'echo "uname=$(uname -sr 2>/dev/null)"; '
        + 'if [ -r "$R/etc/os-release" ]; then '
        + "while IFS='=' read -r k v; do case \"$k\" in "
        + 'ID|ID_LIKE|VERSION_ID|PRETTY_NAME) echo "os.$k=$v";; esac; '
        + 'done < "$R/etc/os-release"; fi; '
        + 'if [ -d "$R/run/systemd/system" ]; then echo init=systemd; '
        + "elif command -v rc-service >/dev/null 2>&1; then echo init=openrc; "
        + "else echo init=none; fi; "
        + "[ -e /.dockerenv ] && echo container.dockerenv=1; "
        + "[ -e /run/.containerenv ] && echo container.containerenv=1; "
        + "command -v systemd-detect-virt >/dev/null 2>&1 && "
        + 'echo "container.virt=$(systemd-detect-virt -c 2>/dev/null)"; '
        + '[ -r /proc/1/comm ] && echo "pid1=$(cat /proc/1/comm 2>/dev/null)"; '
        + f"for c in {commands}; do "
        + 'command -v "$c" >/dev/null 2>&1 && echo "cmd.$c=1"; done; '
        + "if command -v timeout >/dev/null 2>&1; then "
        + "if timeout 1 true 2>/dev/null; then echo timeout=gnu; "
        + "elif timeout -t 1 true 2>/dev/null; then echo timeout=busybox; fi; fi; "
        + "echo probe=done"
    )


@dataclass(frozen=True)
class Facts:
    uid: int | None = None
    uname: str = ""
    os_id: str = ""
    os_like: tuple[str, ...] = ()
    os_version: str = ""
    os_name: str = ""
    init: str = "none"  # systemd, openrc, none
    container_markers: tuple[str, ...] = ()  # why the host looks like a container
    commands: frozenset[str] = field(default_factory=frozenset)
    timeout: str = ""  # gnu, busybox, "" (none: a thread bounds each call)
    complete: bool = False  # the probe ran to its end

    @property
    def root(self) -> bool:
        return self.uid == 0

    @property
    def family(self) -> str:
        ids = (self.os_id, *self.os_like)
        if any(i in _IMMUTABLE for i in ids):
            return "immutable"
        for family, names in _FAMILIES.items():
            if any(i in names for i in ids):
                return family
        return "unknown"

    @property
    def in_container(self) -> bool:
        return bool(self.container_markers)

    def has(self, command: str) -> bool:
        return command in self.commands


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def parse_facts(text: str) -> Facts:
    values: dict[str, str] = {}
    commands: set[str] = set()
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if not sep:
            continue
        if key.startswith("cmd."):
            commands.add(key[4:])
        else:
            values[key] = value
    markers: list[str] = []
    if values.get("container.dockerenv"):
        markers.append("/.dockerenv exists")
    if values.get("container.containerenv"):
        markers.append("/run/.containerenv exists")
    virt = values.get("container.virt", "").strip()
    if virt and virt != "none":
        markers.append(f"systemd-detect-virt -c says {virt}")
    pid1 = values.get("pid1", "").strip()
    if pid1 and pid1 not in _INITS:
        markers.append(f"PID 1 is {pid1}, not an init system")
    uid_text = values.get("uid", "").strip()
    return Facts(
        uid=int(uid_text) if uid_text.isdigit() else None,
        uname=values.get("uname", "").strip(),
        os_id=_unquote(values.get("os.ID", "")).lower(),
        os_like=tuple(_unquote(values.get("os.ID_LIKE", "")).lower().split()),
        os_version=_unquote(values.get("os.VERSION_ID", "")),
        os_name=_unquote(values.get("os.PRETTY_NAME", "")),
        init=values.get("init", "none").strip() or "none",
        container_markers=tuple(markers),
        commands=frozenset(commands),
        timeout=values.get("timeout", "").strip(),
        complete=values.get("probe") == "done",
    )
