"""Scheduled jobs from cron: the system crontab and ``cron.d``, anacron, the run-parts
directories, the users' spools (Debian, RHEL, Alpine) and BusyBox's ``/etc/periodic``.

A crontab line is ``m h dom mon dow [user] command`` (the user field only in the system
files), or ``@daily [user] command``; ``NAME=value`` lines set the environment. A file in a
run-parts directory is itself the job: its text is the command. The spools are 1730/0700
root directories, so a user who is not root cannot list them: they are reported as
unreadable, and the caller decides whether that leaves the answer open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pytest_devops_policy.hosts.probe import Host, NeedsRoot
from pytest_devops_policy.knowledge.host.listing import list_dir

__all__ = [
    "CronJob",
    "CronReading",
    "parse_anacrontab",
    "parse_crontab",
    "read_cron",
]

# (directory, kind): system files carry a user field; users' spools do not; run-parts
# directories hold scripts.
SYSTEM_DIRS = ("/etc/cron.d",)
SCRIPT_DIRS = (
    "/etc/cron.hourly",
    "/etc/cron.daily",
    "/etc/cron.weekly",
    "/etc/cron.monthly",
)
SPOOL_DIRS = ("/var/spool/cron/crontabs", "/var/spool/cron", "/etc/crontabs")
PERIODIC = "/etc/periodic"
ANACRONTAB = "/etc/anacrontab"
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\s*=")


@dataclass(frozen=True)
class CronJob:
    file: str
    line: int  # 0 for a script (the whole file is the job)
    schedule: str  # "0 3 * * *", "@daily", "daily" (run-parts), "1 5 backup" (anacron)
    command: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class CronReading:
    jobs: list[CronJob] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # what a non-root user may not read


def parse_crontab(text: str, file: str, with_user: bool) -> list[CronJob]:
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#") or _ENV.match(line):
            continue
        words = line.split()
        if words[0].startswith("@"):
            head, rest = 1, words[1:]
        else:
            head, rest = 5, words[5:]
        if with_user:
            rest = rest[1:]
        if len(words) <= head or not rest:
            continue
        out.append(CronJob(file, number, " ".join(words[:head]), " ".join(rest)))
    return out


def parse_anacrontab(text: str, file: str) -> list[CronJob]:
    """``period delay job-id command`` lines."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#") or _ENV.match(line):
            continue
        words = line.split()
        if len(words) >= 4:
            out.append(CronJob(file, number, " ".join(words[:3]), " ".join(words[3:])))
    return out


def _read(host: Host, path: str, reading: CronReading) -> str | None:
    try:
        return host.read_text(path)
    except NeedsRoot:
        reading.unreadable.append(path)
        return None


def _files(host: Host, directory: str, reading: CronReading) -> list[str]:
    try:
        names = list_dir(host, directory)
    except NeedsRoot:
        reading.unreadable.append(directory)
        return []
    # run-parts skips names with dots and editor leftovers; cron.d too (Debian)
    return [f"{directory}/{n}" for n in names or [] if not n.startswith(".") and "~" not in n]


def read_cron(host: Host) -> CronReading:
    """Every cron job on the host (cached per host)."""
    cached = host.cache.get("cron")
    if isinstance(cached, CronReading):
        return cached
    reading = CronReading()
    crontab = host.path("crontab")
    text = _read(host, crontab, reading)
    if text is not None:
        reading.jobs += parse_crontab(text, crontab, with_user=True)
    text = _read(host, ANACRONTAB, reading)
    if text is not None:
        reading.jobs += parse_anacrontab(text, ANACRONTAB)
    for directory in SYSTEM_DIRS:
        for path in _files(host, directory, reading):
            text = _read(host, path, reading)
            if text is not None:
                reading.jobs += parse_crontab(text, path, with_user=True)
    for directory in SPOOL_DIRS:
        for path in _files(host, directory, reading):
            text = _read(host, path, reading)  # None for a directory (Debian's crontabs/)
            if text is not None:
                reading.jobs += parse_crontab(text, path, with_user=False)
    scripts = [(d, d.rsplit(".", 1)[-1]) for d in SCRIPT_DIRS]
    try:
        periods = list_dir(host, PERIODIC) or []
    except NeedsRoot:
        reading.unreadable.append(PERIODIC)
        periods = []
    scripts += [(f"{PERIODIC}/{p}", p) for p in periods]
    for directory, period in scripts:
        for path in _files(host, directory, reading):
            text = _read(host, path, reading)
            if text is not None:
                reading.jobs.append(CronJob(path, 0, period, text))
    host.cache["cron"] = reading
    return reading
