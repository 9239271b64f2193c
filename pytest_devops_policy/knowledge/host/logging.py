"""The log pipeline as text (catalog §8.2-11, HOST-017): journald's effective settings, rsyslog
and syslog-ng forwarding, logrotate retention, systemd time spans.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

__all__ = [
    "LOGROTATE_TABOO",
    "Rotation",
    "Setting",
    "journald_settings",
    "logrotate_rotations",
    "rsyslog_forwards",
    "rsyslog_reads_journal",
    "syslog_ng_network_destinations",
    "timespan_seconds",
]


@dataclass(frozen=True)
class Setting:
    value: str
    path: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def journald_settings(
    files: Iterable[tuple[str, str]], section_name: str = "Journal"
) -> dict[str, Setting]:
    """``[Journal]`` assignments (or another section's: ``Upload`` for journal-upload.conf)
    of the files in systemd's order: the last one wins, and an empty assignment
    (``Storage=``) returns the key to its default."""
    out: dict[str, Setting] = {}
    for path, text in files:
        section = ""
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
                continue
            key, sep, value = line.partition("=")
            if not sep or section != section_name:
                continue
            key, value = key.strip(), value.strip()
            if value:
                out[key] = Setting(value, path, number)
            else:
                out.pop(key, None)
    return out


_UNITS = {
    "us": 1e-6,
    "usec": 1e-6,
    "ms": 1e-3,
    "msec": 1e-3,
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "w": 604800,
    "week": 604800,
    "weeks": 604800,
    "M": 2629800,  # systemd: 30.44 days
    "month": 2629800,
    "months": 2629800,
    "y": 31557600,  # 365.25 days
    "year": 31557600,
    "years": 31557600,
}


def timespan_seconds(value: str) -> float | None:
    """A systemd time span (``90d``, ``3month``, ``1y 2w``, a bare number of seconds)."""
    total = 0.0
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([A-Za-z]*)", value.strip())
    if not parts or re.sub(r"[\d.\sA-Za-z]", "", value):
        return None
    for number, unit in parts:
        factor = _UNITS.get(unit) or _UNITS.get(unit.lower()) if unit else 1
        if factor is None:
            return None
        total += float(number) * factor
    return total


# -- rsyslog and syslog-ng


def _uncommented(text: str) -> list[tuple[int, str]]:
    return [
        (n, line)
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.strip().startswith("#")
    ]


_LEGACY_FORWARD = re.compile(r"^\S+\s+(?:@@?(?:\([^)]*\))?[\w.\[\]:-]+|:omrelp:\S+)")
_ACTION = re.compile(r'type\s*=\s*"(omfwd|omrelp|omhttp)"', re.I)


def rsyslog_forwards(text: str) -> list[tuple[int, str]]:
    """Forwarding actions: legacy ``*.* @host`` (UDP), ``@@host`` (TCP), ``:omrelp:host``, and
    ``action(type="omfwd"|"omrelp"|"omhttp" ...)``. (line, the line)"""
    found = []
    for number, line in _uncommented(text):
        stripped = line.strip()
        if _LEGACY_FORWARD.match(stripped) or (
            "action(" in stripped.replace(" ", "") and _ACTION.search(stripped)
        ):
            found.append((number, stripped))
        elif _ACTION.search(stripped) and not stripped.startswith("module("):
            found.append((number, stripped))  # type= on a continuation line of action(
    return found


def rsyslog_reads_journal(text: str) -> bool:
    """rsyslog reads the journal itself (``imjournal``), not the ForwardToSyslog socket."""
    return any(
        re.search(r'(module\s*\(\s*load\s*=\s*"imjournal"|\$ModLoad\s+imjournal)', line)
        for _, line in _uncommented(text)
    )


_DESTINATION = re.compile(r"destination\s+([\w-]+)\s*\{(.*?)\}\s*;", re.S)
_NETWORK = re.compile(r"\b(network|tcp6?|udp6?|syslog)\s*\(")


def syslog_ng_network_destinations(text: str) -> list[str]:
    """The names of syslog-ng destinations that send over the network."""
    body = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    return [m[1] for m in _DESTINATION.finditer(body) if _NETWORK.search(m[2])]


# -- logrotate

# logrotate skips included files with these endings (its default tabooext list).
LOGROTATE_TABOO = (
    ".rpmorig",
    ".rpmsave",
    ".rpmnew",
    ",v",
    ".swp",
    ".cfsaved",
    ".disabled",
    ".dpkg-old",
    ".dpkg-dist",
    ".dpkg-new",
    ".dpkg-bak",
    ".dpkg-del",
    ".ucf-old",
    ".ucf-dist",
    ".ucf-new",
    "~",
)
_SCRIPTS = ("postrotate", "prerotate", "firstaction", "lastaction", "preremove")
_PERIOD_DAYS = {"hourly": 1 / 24, "daily": 1, "weekly": 7, "monthly": 30, "yearly": 365}


@dataclass(frozen=True)
class Rotation:
    """The directives in effect for one block of log files."""

    period: str = ""
    rotate: int | None = None
    maxage: int | None = None
    size: str = ""
    path: str = ""
    line: int = 0
    patterns: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def days(self) -> float | None:
        """Days of logs kept: rotate x period, capped by maxage; None when rotation depends
        on size alone or no period is set."""
        if self.size or not self.period:
            return None
        keep = self.rotate if self.rotate is not None else 0
        days = float("inf") if keep < 0 else keep * _PERIOD_DAYS[self.period]
        if self.maxage is not None and self.maxage >= 0:
            days = min(days, self.maxage)
        return days

    def explain(self) -> str:
        if self.size:
            return f"size {self.size} ({self.where})"
        parts = [self.period or "no period", f"rotate {self.rotate or 0}"]
        if self.maxage is not None:
            parts.append(f"maxage {self.maxage}")
        return f"{' x '.join(parts[:2])}{', ' + parts[2] if len(parts) > 2 else ''} ({self.where})"

    def matches(self, log: str) -> bool:
        return any(fnmatch.fnmatchcase(log, p) for p in self.patterns)


def _directive(state: Rotation, words: list[str]) -> Rotation:
    name = words[0].lower()
    arg = words[1] if len(words) > 1 else ""
    if name in _PERIOD_DAYS:
        return replace(state, period=name, size="")
    if name.startswith("size"):
        value = name.partition("=")[2] or arg
        return replace(state, size=value or "?")
    if name == "rotate" and re.fullmatch(r"-?\d+", arg):
        return replace(state, rotate=int(arg))
    if name == "maxage" and re.fullmatch(r"-?\d+", arg):
        return replace(state, maxage=int(arg))
    return state


def logrotate_rotations(
    path: str, text: str, include: Callable[[str], list[tuple[str, str]]]
) -> list[Rotation]:
    """The blocks of a logrotate configuration with the directives in effect in each: the
    global ones set before the block (also across ``include``) and the block's own.
    ``include(target)`` returns the files an ``include`` line names (a directory's files in
    order, without the taboo endings)."""
    blocks: list[Rotation] = []
    state = Rotation()

    def walk(path: str, text: str, state: Rotation, depth: int) -> Rotation:
        pending: list[str] = []
        block: Rotation | None = None
        script = False
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if script:  # prerotate ... endscript: shell, not directives
                script = line != "endscript"
                continue
            if block is not None:
                if line.startswith("}"):
                    blocks.append(block)
                    block = None
                elif line.split()[0] in _SCRIPTS:
                    script = True
                else:
                    block = _directive(block, line.split())
                continue
            if "{" in line:
                head = line.split("{", 1)[0]
                pending.extend(shlex.split(head, posix=True) if head.strip() else [])
                block = replace(state, path=path, line=number, patterns=tuple(pending))
                pending = []
                continue
            words = line.split()
            if line.startswith(("/", '"', "'")):
                pending.extend(shlex.split(line, posix=True))
            elif words[0] == "include" and len(words) > 1 and depth < 4:
                for sub_path, sub_text in include(words[1]):
                    state = walk(sub_path, sub_text, state, depth + 1)
            else:
                state = _directive(state, words)
        return state

    walk(path, text, state, 0)
    return blocks
