"""HOST-017 logs-persistent-and-retained: logs survive a reboot, and either leave the host or
are kept for ``min_log_retention_days`` (catalog §8.3, §8.2-11).

Choices the row leaves open:
* journald's ``ForwardToSyslog`` default differs by build: Debian and Ubuntu compile it on,
  upstream off. An unset value counts as on for the debian family only.
* A forwarding rsyslog or syslog-ng configuration counts when its daemon runs (live hosts
  whose process table is readable) or is configured (images).
* Images cannot show processes: a log shipper counts there when its systemd service is
  enabled (a ``multi-user.target.wants`` link).
* The "log collection not verified" note on ``datadog-agent`` is dropped: it only
  accompanies a pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host
from pytest_devops_policy.knowledge.host.listing import LS, list_dir, matching
from pytest_devops_policy.knowledge.host.logging import (
    LOGROTATE_TABOO,
    Rotation,
    Setting,
    journald_settings,
    logrotate_rotations,
    rsyslog_forwards,
    rsyslog_reads_journal,
    syslog_ng_network_destinations,
    timespan_seconds,
)
from pytest_devops_policy.knowledge.host.services import PS, matching_processes, unit_state

JOURNALD_DIRS = (
    "/usr/lib/systemd/journald.conf.d",
    "/run/systemd/journald.conf.d",
    "/etc/systemd/journald.conf.d",
)
UPLOAD_CONF = "/etc/systemd/journal-upload.conf"
UPLOAD_UNIT = "systemd-journal-upload.service"
RSYSLOG = ("/etc/rsyslog.conf", "/etc/rsyslog.d")
SYSLOG_NG = ("/etc/syslog-ng/syslog-ng.conf", "/etc/syslog-ng/conf.d")
SYSLOG_DAEMONS = ("rsyslogd", "syslog-ng", "syslogd")
SYSTEM_LOGS = ("/var/log/syslog", "/var/log/messages", "/var/log/auth.log", "/var/log/secure")
JOURNALD_BINARIES = ("/usr/lib/systemd/systemd-journald", "/lib/systemd/systemd-journald")
WANTS = "/etc/systemd/system/multi-user.target.wants"
DAY = 86400.0


def _dropins(host: Host, directories: tuple[str, ...]) -> list[str]:
    """``*.conf`` drop-ins sorted by file name across the directories; a name in a later
    directory (/etc) replaces the same name in an earlier one (/usr/lib)."""
    by_name: dict[str, str] = {}
    for d in directories:
        for path in matching(host, d, "*.conf"):
            by_name[path.rsplit("/", 1)[1]] = path
    return [by_name[n] for n in sorted(by_name)]


def _texts(host: Host, paths: list[str]) -> list[tuple[str, str]]:
    out = []
    for p in paths:
        text = host.read_text(p)
        if text is not None:
            out.append((p, text))
    return out


def _journald(host: Host) -> dict[str, Setting] | None:
    """journald's effective settings; None when the host has no journald."""
    main = host.path("journald_conf")
    if host.live:
        if host.facts.init != "systemd":
            return None
    else:
        present = host.stat([main, *JOURNALD_BINARIES])
        if not any(present.values()):
            return None
    files = [main, *_dropins(host, JOURNALD_DIRS)]
    return journald_settings(_texts(host, files))


def _config(host: Host, main: str, directory: str) -> list[tuple[str, str]]:
    return _texts(host, [main, *matching(host, directory, "*.conf")])


def _running(host: Host, names: tuple[str, ...]) -> list[str] | None:
    found = matching_processes(host, names)
    if found is None:
        return None
    return sorted({n for p in found for n in names if p.matches(n)})


def _persistence(
    host: Host, journal: dict[str, Setting] | None, syslog: list[str] | None, imjournal: bool
) -> Violation | Unknown | None:
    """(a) Logs survive a reboot."""
    if journal is None:
        if syslog:
            return None
        if syslog is None:
            return Unknown(f"(a) cannot tell whether a syslog daemon runs on {host.label}")
        return Violation(
            "(a) logs are lost on reboot: no journald and no syslog daemon "
            f"({', '.join(SYSLOG_DAEMONS)}) runs"
        )
    storage = journal.get("Storage")
    value = storage.value.lower() if storage else "auto"
    where = storage.where if storage else f"{host.path('journald_conf')}: default"
    if value == "persistent":
        return None
    if value == "auto":
        stat = host.stat(["/var/log/journal"])["/var/log/journal"]
        if stat is not None and stat.type == "directory":
            return None
    forward = journal.get("ForwardToSyslog")
    forwards = (
        forward.value.lower() in ("yes", "true", "1", "on")
        if forward
        else host.facts.family == "debian"
    )
    if syslog and (forwards or imjournal):
        return None
    if syslog is None:
        return Unknown(
            f"(a) cannot tell whether a syslog daemon receives the journal on {host.label}"
        )
    why = "and /var/log/journal does not exist" if value == "auto" else "(the journal is in memory)"
    receiver = (
        f"{', '.join(syslog)} runs but does not receive the journal (ForwardToSyslog=no, no "
        "imjournal)"
        if syslog
        else "no syslog daemon receives the journal"
    )
    return Violation(
        f"(a) logs are lost on reboot: journald Storage={value} ({where}) {why}, and {receiver}"
    )


def _shipped(
    host: Host,
    rsyslog: list[tuple[str, str]],
    syslog_ng: list[tuple[str, str]],
    syslog: list[str] | None,
) -> tuple[bool, bool]:
    """(b) Logs leave the host; and whether that could not be told (process table)."""
    daemons = set(syslog or [])
    for _path, text in rsyslog:
        if rsyslog_forwards(text) and (not host.live or syslog is None or "rsyslogd" in daemons):
            return True, False
    for _path, text in syslog_ng:
        if syslog_ng_network_destinations(text) and (
            not host.live or syslog is None or "syslog-ng" in daemons
        ):
            return True, False
    upload = journald_settings(
        _texts(host, [UPLOAD_CONF, *_dropins(host, ("/etc/systemd/journal-upload.conf.d",))]),
        "Upload",
    )
    if upload.get("URL"):
        if host.live and unit_state(host, UPLOAD_UNIT) == "active":
            return True, False
        if not host.live and host.stat([f"{WANTS}/{UPLOAD_UNIT}"])[f"{WANTS}/{UPLOAD_UNIT}"]:
            return True, False
    shippers = host.options.log_shippers
    if host.live:
        running = _running(host, shippers)
        if running:
            return True, False
        return False, running is None
    links = host.stat([f"{WANTS}/{s}.service" for s in shippers])
    return any(links.values()), False


def _retention(
    host: Host, journal: dict[str, Setting] | None
) -> tuple[float | None, list[str], bool]:
    """Days of local retention (the best of journald and logrotate), how each was read, and
    whether logrotate rotates the system logs by size only."""
    best: float | None = None
    how: list[str] = []
    if journal is not None:
        max_ret = journal.get("MaxRetentionSec")
        seconds = timespan_seconds(max_ret.value) if max_ret else None
        if max_ret and seconds:
            best = seconds / DAY
            how.append(f"journald MaxRetentionSec={max_ret.value} ({max_ret.where})")
        else:
            how.append("journald MaxRetentionSec unset (SystemMaxUse gives no time guarantee)")
    main = host.path("logrotate_conf")
    text = host.read_text(main)
    if text is None:
        how.append(f"no {main}")
        return best, how, False

    def include(target: str) -> list[tuple[str, str]]:
        names = list_dir(host, target)
        if names is None:
            return _texts(host, [target])
        paths = [f"{target.rstrip('/')}/{n}" for n in names if not n.endswith(LOGROTATE_TABOO)]
        return _texts(host, paths)

    blocks = logrotate_rotations(main, text, include)
    matched: list[Rotation] = []
    for log in SYSTEM_LOGS:
        block = next((b for b in reversed(blocks) if b.matches(log)), None)
        if block is not None and block not in matched:
            matched.append(block)
    if not matched:
        how.append(f"logrotate names none of {', '.join(SYSTEM_LOGS)}")
        return best, how, False
    days = [b.days() for b in matched]
    size_only = any(d is None for d in days)
    if not size_only:
        shortest = min(d for d in days if d is not None)
        weakest = matched[days.index(shortest)]
        how.append(f"logrotate {weakest.explain()}")
        best = shortest if best is None else max(best, shortest)
    else:
        how.append(
            "logrotate "
            + "; ".join(b.explain() for b, d in zip(matched, days, strict=True) if d is None)
        )
    return best, how, size_only


@policy(
    id="HOST-017",
    name="logs-persistent-and-retained",
    title="Logs survive a reboot and leave the host or are kept long enough",
    severity=Severity.MEDIUM,
    rationale=(
        "An incident is investigated after the fact: a journal kept in memory is gone with "
        "the reboot that usually follows a crash or a compromise, and an intruder with root "
        "edits or deletes local files. Logs shipped off the host, or at least kept for the "
        "retention period, are what answers 'what happened and since when'."
    ),
    remediation=(
        "Keep the journal on disk (Storage=persistent, or create /var/log/journal), then "
        "ship the logs (an rsyslog omfwd action, a syslog-ng network() destination, "
        "systemd-journal-upload with URL=, or an agent such as fluent-bit or vector), or "
        "keep them locally for min_log_retention_days (MaxRetentionSec=90d in a journald "
        "drop-in; 'rotate 13' with 'weekly' in logrotate)."
    ),
    controls=(
        "CIS-DIL-4.2.1.5",
        "CIS-DIL-4.2.2.3",
        "CIS-DIL-4.3",
        "CIS-U22-6.2.1.1.3",
        "CIS-U22-6.2.1.1.5",
        "CIS-U22-6.2.1.2.1",
        "CIS-U22-6.2.1.2.2",
        "CIS-U22-6.2.1.2.3",
        "NIST-800-53-AU-4",
        "NIST-800-53-AU-9",
        "NIST-800-53-AU-11",
    ),
    references=(
        "stig:RHEL-09-211040",
        "stig:RHEL-09-652020",
        "stig:RHEL-09-652055",
        "stig:UBTU-22-653020",
        "lynis:LOGG-2136",
        "lynis:LOGG-2146",
        "lynis:LOGG-2152",
        "lynis:LOGG-2230",
        "dev-sec:os-11",
    ),
    example="""\
# $ ps -eo pid=,args=
    1 /sbin/init
  480 /usr/sbin/rsyslogd -n -iNONE
---
# /etc/systemd/journald.conf
[Journal]
Storage=persistent
---
# /etc/logrotate.conf
weekly
rotate 4
include /etc/logrotate.d
---
# /etc/logrotate.d/rsyslog
/var/log/syslog
/var/log/auth.log
{
\tmissingok
\tpostrotate
\t\t/usr/lib/rsyslog/rsyslog-rotate
\tendscript
}
""",
    use_instead="""\
# /etc/systemd/journald.conf
[Journal]
Storage=persistent
---
# /etc/systemd/journald.conf.d/50-retention.conf
[Journal]
MaxRetentionSec=90d
---
# /etc/logrotate.conf
weekly
rotate 13
include /etc/logrotate.d
---
# /etc/logrotate.d/rsyslog
/var/log/syslog
/var/log/auth.log
{
\tmissingok
}
""",
    commands=(
        PS,
        f"systemctl is-active -- {UPLOAD_UNIT}",
        *(LS.format(dir=d) for d in JOURNALD_DIRS),
        LS.format(dir="/etc/systemd/journal-upload.conf.d"),
        LS.format(dir="/etc/rsyslog.d"),
        LS.format(dir="/etc/syslog-ng/conf.d"),
        LS.format(dir="/etc/logrotate.d (each include)"),
        "stat -Lc '%n|%a|%u|%g|%U|%G|%F|%Y' -- <paths>",
    ),
    reads=(
        "host.paths.journald_conf (/etc/systemd/journald.conf) and the journald.conf.d "
        "drop-ins in /usr/lib, /run and /etc",
        f"{UPLOAD_CONF} and its drop-ins",
        "/etc/rsyslog.conf, /etc/rsyslog.d/*.conf",
        "/etc/syslog-ng/syslog-ng.conf, /etc/syslog-ng/conf.d/*.conf",
        "host.paths.logrotate_conf (/etc/logrotate.conf) and its include directories",
        "/var/log/journal (is it a directory)",
    ),
    profiles=("server", "image"),
)
def logs_persistent_and_retained(host: Host) -> Iterator[Violation | Unknown]:
    journal = _journald(host)
    rsyslog = _config(host, *RSYSLOG)
    syslog_ng = _config(host, *SYSLOG_NG)
    if host.live:
        syslog = _running(host, SYSLOG_DAEMONS)
    else:  # an image: the daemons it would start
        syslog = [d for d, conf in (("rsyslogd", rsyslog), ("syslog-ng", syslog_ng)) if conf]
    imjournal = any(rsyslog_reads_journal(t) for _, t in rsyslog)
    persistence = _persistence(host, journal, syslog, imjournal)
    if persistence is not None:
        yield persistence
    shipped, blind = _shipped(host, rsyslog, syslog_ng, syslog)
    if shipped:
        return
    wanted = host.options.min_log_retention_days
    days, how, size_only = _retention(host, journal)
    if days is not None and days >= wanted:
        return
    if size_only:
        yield Unknown(
            f"(b) logs do not leave the host and logrotate rotates the system logs by size "
            f"only: their retention in days cannot be told ({'; '.join(how)})"
        )
        return
    if blind:
        yield Unknown(
            f"(b) cannot tell whether a log shipper runs on {host.label} (process table "
            f"unreadable), and local retention is short ({'; '.join(how)})"
        )
        return
    kept = "not guaranteed in days" if days is None else f"{days:g} days"
    yield Violation(
        "(b) logs do not leave the host (no rsyslog or syslog-ng forwarding, journal upload "
        f"or log shipper of host.log_shippers) and local retention is {kept}, less than "
        f"{wanted} (min_log_retention_days): {'; '.join(how)}"
    )
