"""HOST-006 system-file-permissions: the files root trusts are writable by root alone, and
the password hashes are readable by root and the shadow group alone (catalog §8.3).

Read-only excess on a non-secret file (``/etc/crontab`` 0644 where CIS asks 0600,
``sshd_config`` readable by others) is a low note: it never fails the item by itself. The
notes are shown in the message of the item's first failure, and dropped when nothing fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host
from pytest_devops_policy.knowledge.host.files import LIST_COMMAND, list_dirs, stat_some
from pytest_devops_policy.knowledge.host.perms import (
    FIXED,
    LISTED,
    SSHD,
    Rule,
    describe,
    judge,
    regular_or_dir,
    rule_for,
)

# What the example host shows for the one listing of the drop-in directories.
_LISTED = (
    "# $ find /etc/cron.d /etc/cron.daily /etc/cron.hourly /etc/cron.monthly "
    "/etc/cron.weekly /etc/crontabs /etc/periodic /etc/ssh/sshd_config.d /etc/sudoers.d "
    "/etc/systemd/system -mindepth 1 -maxdepth 1 -print\n"
    "/etc/sudoers.d/90-cloud-init-users\n---\n"
)
STAT_COMMAND = "stat -Lc '%n|%a|%u|%g|%U|%G|%F|%Y' -- <every existing path below>"


@policy(
    id="HOST-006",
    name="system-file-permissions",
    title="Identity, sudoers, sshd, cron and unit files are writable by root alone",
    severity=Severity.HIGH,
    rationale=(
        "Whoever can write /etc/passwd, a sudoers file, a cron table or a systemd unit that "
        "root runs is root: one line adds a UID 0 account, a NOPASSWD rule or a job. "
        "/etc/shadow readable by others hands every password hash to offline cracking. "
        "Packages set these modes; a restore from a backup, a configuration tool or a "
        "hurried chmod changes them without anyone noticing."
    ),
    remediation=(
        "Restore the distribution's modes and owners: chown root:root /etc/passwd "
        "/etc/group && chmod 644 /etc/passwd /etc/group; chown root:shadow /etc/shadow "
        "/etc/gshadow && chmod 640 /etc/shadow /etc/gshadow (RHEL: root:root 000); chmod "
        "440 /etc/sudoers /etc/sudoers.d/*; chmod 600 /etc/crontab; chmod 700 "
        "/etc/cron.d /etc/cron.daily ...; chmod go-w /etc/ssh/sshd_config "
        "/etc/systemd/system/*.service. Then find out what changed them."
    ),
    controls=(
        "CIS-DIL-5.1.2",
        "CIS-DIL-5.1.3",
        "CIS-DIL-5.1.4",
        "CIS-DIL-5.1.5",
        "CIS-DIL-5.1.6",
        "CIS-DIL-5.1.7",
        "CIS-DIL-5.2.1",
        "CIS-DIL-6.1.2",
        "CIS-DIL-6.1.3",
        "CIS-DIL-6.1.4",
        "CIS-DIL-6.1.5",
        "CIS-DIL-6.1.6",
        "CIS-DIL-6.1.7",
        "CIS-DIL-6.1.8",
        "CIS-DIL-6.1.9",
        "CIS-U22-2.4.1.2",
        "CIS-U22-5.1.1",
        "CIS-U22-7.1.1",
        "NIST-800-53-AC-3",
        "NIST-800-53-AC-6",
        "CWE-732",
    ),
    references=(
        "stig:RHEL-09-232075",
        "stig:RHEL-09-232085",
        "stig:RHEL-09-232090",
        "stig:RHEL-09-232095",
        "stig:RHEL-09-232130",
        "stig:RHEL-09-232135",
        "stig:RHEL-09-232150",
        "stig:RHEL-09-232155",
        "stig:RHEL-09-232270",
        "stig:RHEL-09-255105",
        "stig:RHEL-09-255110",
        "dev-sec:os-02",
        "dev-sec:os-03",
        "dev-sec:os-13",
        "dev-sec:sshd-05",
        "lynis:FILE-7524",
        "lynis:AUTH-9252",
        "lynis:SCHD-7704",
    ),
    example=_LISTED
    + """\
# $ stat -Lc '%n|%a|%u|%g|%U|%G|%F|%Y'
/etc/passwd|644|0|0|root|root|regular file|1733600000
/etc/shadow|644|0|42|root|shadow|regular file|1733600000
/etc/crontab|666|0|0|root|root|regular file|1733600000
/etc/sudoers.d/90-cloud-init-users|440|0|0|root|root|regular file|1733600000
""",
    use_instead=_LISTED
    + """\
# $ stat -Lc '%n|%a|%u|%g|%U|%G|%F|%Y'
/etc/passwd|644|0|0|root|root|regular file|1733600000
/etc/shadow|640|0|42|root|shadow|regular file|1733600000
/etc/crontab|600|0|0|root|root|regular file|1733600000
/etc/sudoers.d/90-cloud-init-users|440|0|0|root|root|regular file|1733600000
""",
    commands=(
        LIST_COMMAND + " (/etc/sudoers.d, sshd_config.d, /etc/systemd/system, cron dirs)",
        STAT_COMMAND,
    ),
    reads=(
        "/etc/passwd, /etc/group, /etc/shadow, /etc/gshadow (and their - backups), "
        "/etc/security/opasswd: mode, owner, group",
        "/etc/sudoers, /etc/sudoers.d/*, host.paths.sshd_config and its .d/*",
        "/etc/crontab, /etc/anacrontab, /etc/cron.{hourly,daily,weekly,monthly,d}/*, "
        "/etc/crontabs/*, /etc/periodic/*, /var/spool/cron, /var/spool/cron/crontabs",
        "/etc/systemd/system/*.service, *.timer",
    ),
    needs_root=("/etc/sudoers.d (listing)",),
    profiles=("server", "container", "image"),
)
def system_file_permissions(host: Host) -> Iterator[Violation | Unknown]:
    sshd_config = host.path("sshd_config")
    listed_dirs = sorted({d for d, _, _ in LISTED} | {sshd_config + ".d"})
    listing = list_dirs(host, listed_dirs)
    rules: dict[str, Rule] = {**FIXED, sshd_config: SSHD}
    for directory in listed_dirs:
        for path in listing.files(directory):
            rule = rule_for(path, sshd_config, directory)
            if rule is not None:
                rules.setdefault(path, rule)
    stats, refused = stat_some(host, rules)
    failures: list[Violation] = []
    notes: list[str] = []
    for path, rule in rules.items():
        st = stats.get(path)
        if st is None or not regular_or_dir(st):
            continue
        verdict = judge(st, rule)
        if verdict.failures:
            failures.append(
                Violation(
                    f"{describe(path, st)} → {rule.expected()}: {'; '.join(verdict.failures)} "
                    f"({rule.what})",
                    severity=Severity.CRITICAL
                    if verdict.world_writable and rule.critical
                    else None,
                )
            )
        elif verdict.notes:
            notes.append(f"{describe(path, st)} ({', '.join(verdict.notes)})")
    unread = [f"list {d}" for d in listing.denied] + [f"stat {p}" for p in refused]
    if failures and notes:
        first = failures[0]
        failures[0] = Violation(
            f"{first.message}; also more than the benchmarks ask (low): {'; '.join(notes)}",
            severity=first.severity,
        )
    yield from failures
    if unread:
        yield Unknown(
            f"needs root on {host.label} (run as root, or with --sudo): {', '.join(unread)}"
        )
    if listing.failed:
        yield Unknown(f"the drop-in directories were not listed: {listing.failed}")
