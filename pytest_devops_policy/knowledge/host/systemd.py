"""Readers of ``systemctl`` output: timers, ``show`` properties, failed units.

``systemctl list-timers --all --no-legend --plain`` prints ``NEXT LEFT LAST PASSED UNIT
ACTIVATES`` where the dates contain spaces (``Mon 2024-01-01 00:00:00 UTC``) or are ``n/a``
/ ``-``: the last two words are the timer and the unit it starts. ``systemctl show -p A -p B
u1 u2`` prints ``A=value`` lines per unit, the units separated by a blank line, in the
order asked. ``ExecStart`` is printed as ``{ path=… ; argv[]=… ; … }`` groups.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Timer",
    "exec_argv",
    "failed_units",
    "parse_show",
    "parse_timers",
    "show_command",
]

LIST_TIMERS = "systemctl list-timers --all --no-legend --plain"
LIST_FAILED = "systemctl list-units --failed --no-legend --plain"


@dataclass(frozen=True)
class Timer:
    timer: str
    unit: str  # the unit it activates


def parse_timers(text: str) -> list[Timer]:
    out = []
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[-2].endswith(".timer"):
            out.append(Timer(words[-2], words[-1]))
    return out


def show_command(properties: Sequence[str], units: Sequence[str]) -> str:
    props = " ".join(f"-p {p}" for p in properties)
    return f"systemctl show {props} -- {' '.join(shlex.quote(u) for u in units)}"


def parse_show(text: str) -> list[dict[str, str]]:
    """One dict of properties per unit, in the order the units were asked."""
    blocks: list[dict[str, str]] = [{}]
    for line in text.splitlines():
        if not line.strip():
            if blocks[-1]:
                blocks.append({})
            continue
        key, sep, value = line.partition("=")
        if sep:
            blocks[-1][key] = value
    return [b for b in blocks if b]


_ARGV = re.compile(r"argv\[\]=(.*?)(?: ;|\s*\}|$)")


def exec_argv(value: str) -> list[str]:
    """The command lines of an ``ExecStart=`` property (one per ``{ … }`` group)."""
    return [m.group(1).strip() for m in _ARGV.finditer(value) if m.group(1).strip()]


def failed_units(text: str) -> list[str]:
    """Unit names of ``systemctl list-units --failed --no-legend --plain`` (a leading ``●``
    appears on some versions even with --plain)."""
    out = []
    for line in text.splitlines():
        words = line.replace("●", " ").split()
        if words and "." in words[0]:
            out.append(words[0])
    return out
