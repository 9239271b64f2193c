"""Backup jobs on a host: which scheduled commands back up, encrypt and verify (HOST-020).

A job's text is its command (a crontab line, a timer's ``ExecStart``, a run-parts script)
plus the scripts it names, read one level deep (64 KiB each). Patterns are regular
expressions matched line by line, so a ``pg_dump | gpg`` pipeline on one line is one job
that encrypts, and a script that dumps and then runs ``restic backup`` encrypts too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = [
    "BACKUP_AGENTS",
    "STATEFUL_PROCESSES",
    "encrypts",
    "matching_lines",
    "named_scripts",
    "rclone_crypt_remotes",
]

# Services whose data is lost without a backup (process names, matched on the full argv).
STATEFUL_PROCESSES = (
    "postgres",
    "mysqld",
    "mariadbd",
    "mongod",
    "redis-server",
    "etcd",
    "minio",
    "influxd",
    "clickhouse-server",
    "rabbitmq-server",
)
# Java and Erlang services show their interpreter as argv[0]: a word of the command line
# tells them apart.
STATEFUL_ARGS = {
    "org.elasticsearch": "elasticsearch",
    "org.opensearch": "opensearch",
    "-s rabbit": "rabbitmq-server",
}
BACKUP_AGENTS = ("bacula-fd", "bareos-fd", "veeamservice", "dsmc")

# Tools that encrypt what they store, unless told not to.
_ENCRYPTING = (
    (re.compile(r"\brestic\b"), None),
    (re.compile(r"\bkopia\b"), None),
    (re.compile(r"\bborg(matic)?\b"), re.compile(r"(--encryption[= ]none|-e\s+none)\b")),
    (re.compile(r"\bduplicity\b"), re.compile(r"--no-encryption\b")),
    (re.compile(r"\bduplicacy\b"), None),
)
# Encryption added to any tool's output.
_ENCRYPTED_OUTPUT = re.compile(
    r"\|\s*(\S*/)?(gpg2?|age)\b|\bopenssl\s+(enc|smime|cms)\b|\baws\s+s3\s+(cp|sync)\b.*--sse"
    r"|\bWALG_(LIBSODIUM|PGP)_KEY\b"
)


def matching_lines(text: str, patterns: Iterable[str]) -> list[str]:
    """The lines of ``text`` that match any pattern (stripped)."""
    compiled = [re.compile(p) for p in patterns]
    return [
        line.strip()
        for line in text.splitlines()
        if not line.lstrip().startswith("#") and any(c.search(line) for c in compiled)
    ]


def named_scripts(command: str) -> list[str]:
    """Absolute paths a command names that may be scripts (the system's own binaries are
    not read: they are programs, not backup scripts)."""
    out = []
    for word in re.split(r"[\s;&|()<>'\"=]+", command):
        if (
            word.startswith("/")
            and not word.startswith(("/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/", "/dev/"))
            and not word.endswith("/")
        ):
            out.append(word)
    return list(dict.fromkeys(out))


def rclone_crypt_remotes(config: str) -> set[str]:
    """Remotes of an rclone.conf whose ``type = crypt``."""
    out: set[str] = set()
    section = ""
    for raw in config.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section and re.fullmatch(r"type\s*=\s*crypt", line):
            out.add(section)
    return out


def encrypts(
    text: str, pgbackrest_ciphers: Sequence[str] = (), crypt_remotes: Iterable[str] = ()
) -> bool:
    """Whether a backup job's text stores its data encrypted."""
    remotes = set(crypt_remotes)
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        if _ENCRYPTED_OUTPUT.search(line):
            return True
        for tool, off in _ENCRYPTING:
            if tool.search(line) and not (off and off.search(line)):
                return True
        if re.search(r"\bpgbackrest\b", line) and any(c != "none" for c in pgbackrest_ciphers):
            return True
        m = re.search(r"\brclone\b.*\b(?:sync|copy)\b\s+(?:-\S+\s+)*\S+\s+([^\s:]+):", line)
        if m and m.group(1) in remotes:
            return True
    return False
