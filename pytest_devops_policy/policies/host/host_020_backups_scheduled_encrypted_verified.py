"""HOST-020 backups-scheduled-encrypted-verified: a host that keeps state backs it up on a
schedule, the backups are encrypted, and something checks that they restore (§8.3)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host, NeedsRoot
from pytest_devops_policy.knowledge.host.backups import (
    BACKUP_AGENTS,
    STATEFUL_ARGS,
    STATEFUL_PROCESSES,
    encrypts,
    matching_lines,
    named_scripts,
    rclone_crypt_remotes,
)
from pytest_devops_policy.knowledge.host.cron import read_cron
from pytest_devops_policy.knowledge.host.services import Process, matching_processes, processes
from pytest_devops_policy.knowledge.host.systemd import (
    LIST_TIMERS,
    exec_argv,
    parse_show,
    parse_timers,
    show_command,
)

SCRIPT_LIMIT = 64 * 1024
SHOW = ("Id", "ExecStart", "Result", "ExecMainStatus", "ExecMainExitTimestamp")
SHOW_MONOTONIC = (*SHOW, "ExecMainExitTimestampMonotonic")
PGBACKREST_CONF = "/etc/pgbackrest/pgbackrest.conf"
RCLONE_CONFS = ("/root/.config/rclone/rclone.conf", "/etc/rclone/rclone.conf")
_PS = "ps -eo pid=,args="


@dataclass
class Job:
    where: str  # file:line, or the timer
    text: str  # the command and the scripts it names
    timer: dict[str, str] | None = None  # systemctl show properties of a timer's service


@policy(
    id="HOST-020",
    name="backups-scheduled-encrypted-verified",
    title="A host that keeps state has scheduled, encrypted and verified backups",
    severity=Severity.HIGH,
    rationale=(
        "A database, queue or object store on a host is lost with the disk, a bad migration "
        "or ransomware unless a backup runs on a schedule and keeps working. A backup job "
        "that fails silently is found out on the day of the restore, so its last result "
        "matters. Unencrypted dumps copied to a bucket or another host leak the whole "
        "dataset; a backup that is never checked may not restore."
    ),
    remediation=(
        "Schedule a backup with a systemd timer (its last result is then visible) or cron: "
        "restic, borg, kopia, pgbackrest, wal-g... Encrypt it (restic and kopia always do; "
        "pipe dumps to gpg or age; pgbackrest repo1-cipher-type). Schedule its "
        "verification (restic check, borg check, pgbackrest verify) and, better, a restore "
        "test. Set host.backup.required = false on hosts whose state lives elsewhere."
    ),
    controls=(
        "NIST-800-53-CP-9",
        "NIST-800-53-CP-9(1)",
        "NIST-800-53-CP-9(8)",
        "NIST-800-53-SC-28",
        "CWE-311",
    ),
    # No peer checks backups on a host (CIS, STIG, Lynis and dev-sec have none).
    references=(
        "https://restic.readthedocs.io/en/stable/045_working_with_repos.html",
        "https://borgbackup.readthedocs.io/en/stable/usage/check.html",
    ),
    example="""\
# $ ps -eo pid=,args=
  812 /usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main
---
# /etc/crontab
17 * * * * root cd / && run-parts --report /etc/cron.hourly
""",
    use_instead="""\
# $ ps -eo pid=,args=
  812 /usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main
---
# $ ls -1A -- /etc/cron.d/
backup
---
# /etc/cron.d/backup
30 2 * * * postgres pg_dump app | restic backup --stdin --stdin-filename app.sql
0 5 * * 0 postgres restic check --read-data-subset=5%
""",
    commands=(
        _PS,
        "for d in /proc/[0-9]*; do … cat $d/cmdline; done (without ps)",
        LIST_TIMERS,
        show_command(SHOW_MONOTONIC, ["<services of the timers>"]),
        "ls -1A -- <cron directory>/",
    ),
    reads=(
        "host.paths.crontab (/etc/crontab), /etc/anacrontab, /etc/cron.d/*, "
        "/etc/cron.{hourly,daily,weekly,monthly}/*, /var/spool/cron/crontabs/*, "
        "/var/spool/cron/*, /etc/crontabs/*, /etc/periodic/*/*",
        "the scripts those jobs and timers name (64 KiB each)",
        PGBACKREST_CONF,
        *RCLONE_CONFS,
        "/proc/uptime",
    ),
    needs_root=("/var/spool/cron/crontabs (users' crontabs)", "/var/spool/cron"),
    profiles=("server", "image"),
)
def backups_scheduled_encrypted_verified(host: Host) -> Iterator[Violation | Unknown]:
    required = host.options.backup_required
    if required == "false":
        yield NotApplicable("host.backup.required = false")
        return
    why = "host.backup.required = true"
    if required == "auto":
        state = _stateful(host)
        if isinstance(state, Unknown):
            yield state
            return
        why = state
    reading = read_cron(host)
    unreadable = list(dict.fromkeys(reading.unreadable))
    jobs = [Job(job.where, job.command + _scripts(host, job.command)) for job in reading.jobs]
    jobs += _timer_jobs(host)
    agents = matching_processes(host, BACKUP_AGENTS) if host.live else None
    patterns = host.options.backup_patterns
    backups = [j for j in jobs if matching_lines(j.text, patterns)]
    not_root = f"needs root on {host.label} (run as root, or with --sudo): read "
    if not backups:
        if agents:
            return  # a backup agent's director holds the schedule
        if unreadable:
            yield Unknown(not_root + ", ".join(unreadable))
            return
        yield Violation(
            f"{why} and no backup job is scheduled (searched cron and systemd timers for "
            "host.backup.patterns)"
        )
        return
    yield from _last_runs(host, backups)
    ciphers, remotes, unsure = _encryption_config(host)
    for job in backups:
        if encrypts(job.text, ciphers, remotes):
            continue
        if unsure and re.search(r"\b(rclone|pgbackrest)\b", job.text):
            yield Unknown(not_root + ", ".join(unsure))
            continue
        first = matching_lines(job.text, patterns)[0]
        yield Violation(
            f"backup job {job.where} stores its data unencrypted: {first!r} (use restic, "
            "kopia or borg, or pipe to gpg/age)",
            severity=Severity.MEDIUM,
        )
    if not any(matching_lines(j.text, host.options.backup_verify_patterns) for j in jobs):
        if unreadable:
            yield Unknown(not_root + ", ".join(unreadable))
            return
        yield Violation(
            "no scheduled backup verification (restic check, borg check, pgbackrest "
            "verify...; host.backup.verify_patterns) for the backups of "
            + ", ".join(j.where for j in backups),
            severity=Severity.MEDIUM,
        )


def _stateful(host: Host) -> str | Unknown | NotApplicable:
    """Why the host needs backups ("stateful service postgres runs (pid 812)")."""
    if not host.live:
        return NotApplicable(
            "host.backup.required = auto, and a tree has no running services: set it to "
            "true to judge the backup jobs the tree defines"
        )
    table = processes(host)
    if table is None:
        return Unknown(f"the process table of {host.label} cannot be read ({_PS})")
    names = (*STATEFUL_PROCESSES, *host.options.backup_stateful_processes)
    found: list[tuple[str, Process]] = []
    for proc in table:
        name = next((n for n in names if proc.matches(n)), None)
        if name is None:
            name = next((v for k, v in STATEFUL_ARGS.items() if k in proc.args), None)
        if name is not None and name not in [f[0] for f in found]:
            found.append((name, proc))
    if not found:
        return NotApplicable(
            "no stateful service runs (host.backup.required = auto; searched: "
            + ", ".join(names)
            + ")"
        )
    shown = ", ".join(f"{n} (pid {p.pid})" for n, p in found)
    return f"stateful service {shown} runs"


def _scripts(host: Host, command: str) -> str:
    """The text of the scripts a command names, one level deep, 64 KiB each."""
    out = []
    for path in named_scripts(command):
        try:
            data = host.read(path)
        except NeedsRoot:
            continue
        if data is None or b"\0" in data[:SCRIPT_LIMIT]:
            continue  # absent, a directory, or a program
        out.append(data[:SCRIPT_LIMIT].decode("utf-8", "replace"))
    return "".join("\n" + text for text in out)


def _timer_jobs(host: Host) -> list[Job]:
    if not (host.live and host.facts.init == "systemd" and host.has("systemctl")):
        return []
    listed = host.run(LIST_TIMERS)
    timers = parse_timers(listed.out) if listed.ok else []
    if not timers:
        return []
    shown = host.run(show_command(SHOW_MONOTONIC, [t.unit for t in timers]))
    if not shown.ok:
        return []
    by_id = {props.get("Id", ""): props for props in parse_show(shown.out)}
    jobs = []
    for timer in timers:
        props = by_id.get(timer.unit)
        if props is None:
            continue
        command = "\n".join(exec_argv(props.get("ExecStart", "")))
        jobs.append(Job(f"{timer.timer} ({timer.unit})", command + _scripts(host, command), props))
    return jobs


def _uptime(host: Host) -> float | None:
    try:
        text = host.read_text("/proc/uptime")
    except NeedsRoot:
        return None
    try:
        return float((text or "").split()[0])
    except (IndexError, ValueError):
        return None


def _last_runs(host: Host, backups: list[Job]) -> Iterator[Violation]:
    """A timer's service has a last result; cron jobs have none (not judged)."""
    limit = host.options.backup_max_age_hours
    uptime: float | None = None
    for job in backups:
        props = job.timer
        if props is None:
            continue
        result = props.get("Result", "")
        status = props.get("ExecMainStatus", "")
        if result and result != "success":
            yield Violation(
                f"backup {job.where} last ended with Result={result} (exit status {status}, "
                f"{props.get('ExecMainExitTimestamp') or 'time unknown'})"
            )
            continue
        if status not in ("", "0"):
            yield Violation(f"backup {job.where} last exited with status {status}")
            continue
        if uptime is None:
            uptime = _uptime(host)
        if uptime is None:
            continue
        mono = props.get("ExecMainExitTimestampMonotonic", "0")
        ended = int(mono) / 1e6 if mono.isdigit() else 0.0
        age_hours = (uptime - ended) / 3600
        if age_hours > limit:
            when = (
                f"last finished {age_hours:.0f} hours ago ({props['ExecMainExitTimestamp']})"
                if ended
                else f"has not run since the host booted {uptime / 3600:.0f} hours ago"
            )
            yield Violation(f"backup {job.where} {when}: more than backup.max_age_hours = {limit}")


def _encryption_config(host: Host) -> tuple[list[str], set[str], list[str]]:
    """pgbackrest repo cipher types, rclone crypt remotes, and what could not be read."""
    unsure: list[str] = []
    ciphers: list[str] = []
    try:
        conf = host.read_text(PGBACKREST_CONF) or ""
    except NeedsRoot:
        conf = ""
        unsure.append(PGBACKREST_CONF)
    for line in conf.splitlines():
        m = re.match(r"\s*repo\d*-cipher-type\s*=\s*(\S+)", line)
        if m:
            ciphers.append(m.group(1))
    remotes: set[str] = set()
    for path in RCLONE_CONFS:
        try:
            remotes |= rclone_crypt_remotes(host.read_text(path) or "")
        except NeedsRoot:
            unsure.append(path)
    return ciphers, remotes, unsure
