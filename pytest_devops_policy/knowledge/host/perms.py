"""Which modes, owners and groups the system files may have (HOST-006, catalog §8.3).

A ``Rule`` names the bits that fail (write for group or others on a file root trusts, any
access for others on a secret), the bits that are only more than the benchmarks ask for
(read-only excess on a non-secret file: a low note), the owner and the groups. ``judge``
applies one rule to one ``stat`` answer.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from pytest_devops_policy.hosts.probe import FileStat

__all__ = [
    "CRON_DIRS",
    "FIXED",
    "LISTED",
    "SSHD",
    "Rule",
    "Verdict",
    "describe",
    "judge",
    "regular_or_dir",
    "rule_for",
]


@dataclass(frozen=True)
class Rule:
    what: str  # "identity file", "secret file", ...
    limit: int  # the mode the benchmarks ask for (at most these bits)
    fail_bits: int  # bits that fail when set
    groups: tuple[str, ...] | None = None  # allowed groups (None: any)
    critical: bool = False  # world-writable here is critical (identity, sudoers, cron)
    group_write_groups: tuple[str, ...] = ()  # group write allowed with these groups
    shown: str = ""  # the expected mode as the benchmarks write it, when not ``limit``

    def expected(self) -> str:
        group = f", group {' or '.join(self.groups)}" if self.groups else ""
        return f"{self.shown or f'≤{self.limit:04o}'}, owner root{group}"


_W = 0o022  # write for group or others
IDENTITY = Rule("identity file", 0o644, _W, ("root",), critical=True)
SHADOW = Rule("password hashes", 0o640, 0o027, ("root", "shadow"), critical=True)
SUDOERS = Rule("sudoers file", 0o640, _W, critical=True, shown="≤0440 (0640 tolerated)")
SUDOERS_DIR = Rule("sudoers directory", 0o750, _W, critical=True)
SSHD = Rule("sshd configuration", 0o600, _W)
CRON_FILE = Rule("cron table", 0o600, _W, critical=True)
CRON_DIR = Rule("cron directory", 0o700, _W, critical=True)
CRON_JOB = Rule("cron job", 0o755, _W, critical=True)
SPOOL = Rule("cron spool", 0o1730, 0o002 | 0o020, critical=True, group_write_groups=("crontab",))
UNIT = Rule("systemd unit", 0o644, _W)

CRON_DIRS = (
    "/etc/cron.hourly",
    "/etc/cron.daily",
    "/etc/cron.weekly",
    "/etc/cron.monthly",
    "/etc/cron.d",
)
# Fixed paths and their rules (missing ones are skipped).
FIXED: dict[str, Rule] = {
    "/etc/passwd": IDENTITY,
    "/etc/passwd-": IDENTITY,
    "/etc/group": IDENTITY,
    "/etc/group-": IDENTITY,
    "/etc/shadow": SHADOW,
    "/etc/shadow-": SHADOW,
    "/etc/gshadow": SHADOW,
    "/etc/gshadow-": SHADOW,
    "/etc/security/opasswd": SHADOW,
    "/etc/sudoers": SUDOERS,
    "/etc/sudoers.d": SUDOERS_DIR,
    "/etc/crontab": CRON_FILE,
    "/etc/anacrontab": CRON_FILE,
    **dict.fromkeys(CRON_DIRS, CRON_DIR),
    "/etc/crontabs": CRON_DIR,
    "/etc/periodic": CRON_DIR,
    "/var/spool/cron/crontabs": SPOOL,
    "/var/spool/cron": CRON_DIR,
}
# Directories whose entries are judged too: (directory, name glob, rule).
LISTED: tuple[tuple[str, str, Rule], ...] = (
    ("/etc/sudoers.d", "*", SUDOERS),
    ("/etc/systemd/system", "*.service", UNIT),
    ("/etc/systemd/system", "*.timer", UNIT),
    *((d, "*", CRON_JOB) for d in CRON_DIRS),
    ("/etc/crontabs", "*", CRON_FILE),
    ("/etc/periodic", "*", CRON_DIR),
)


def rule_for(path: str, sshd_config: str, listed_in: str | None = None) -> Rule | None:
    """The rule of a fixed path, of the sshd configuration (and its ``.d`` drop-ins), or of
    an entry of a listed directory (``listed_in``)."""
    if path == sshd_config or (listed_in is not None and listed_in == sshd_config + ".d"):
        return SSHD
    if listed_in is not None:
        name = path.rsplit("/", 1)[-1]
        for directory, pattern, rule in LISTED:
            if directory == listed_in and fnmatch.fnmatchcase(name, pattern):
                return rule
        return None
    return FIXED.get(path)


@dataclass(frozen=True)
class Verdict:
    failures: tuple[str, ...]  # why it fails
    notes: tuple[str, ...]  # read-only excess (low)
    world_writable: bool


def judge(stat: FileStat, rule: Rule) -> Verdict:
    mode = stat.mode & 0o7777
    fails: list[str] = []
    notes: list[str] = []
    bits = rule.fail_bits
    if rule.group_write_groups and stat.group in rule.group_write_groups:
        bits &= ~0o020
    bad = mode & bits
    if bad & 0o002:
        fails.append("others can write it")
    if bad & 0o020:
        fails.append(f"group {stat.group} can write it")
    if bad & 0o005:
        fails.append("others can read it" if bad & 0o004 else "others can execute it")
    if stat.uid != 0:
        fails.append(f"owned by {stat.owner or stat.uid}, who can change it")
    if rule.groups is not None and stat.group not in rule.groups:
        fails.append(f"group {stat.group or stat.gid}")
    excess = mode & ~rule.limit & ~bits & 0o7777
    if excess:
        notes.append(f"≤{rule.limit:04o} asked")
    return Verdict(tuple(fails), tuple(notes), bool(bad & 0o002))


def describe(path: str, stat: FileStat) -> str:
    """``path mode owner:group``, with the logical path (``stat.path`` has the root)."""
    return f"{path} {stat.mode & 0o7777:04o} {stat.owner or stat.uid}:{stat.group or stat.gid}"


def regular_or_dir(stat: FileStat) -> bool:
    """Only files and directories are judged: a masked unit is a link to /dev/null, whose
    0666 is the device's, not a writable unit."""
    return stat.type in ("regular file", "regular empty file", "directory")
