"""What the time daemons say about the clock (HOST-015): ``timedatectl show``, ``chronyc -n
tracking``, ``ntpq -pn`` and ``ntpctl -s status``.
"""

from __future__ import annotations

import re

__all__ = ["chrony_tracking", "key_values", "ntpctl_synced", "ntpq_synced"]


def key_values(text: str) -> dict[str, str]:
    """``timedatectl show -p NTP -p NTPSynchronized``: ``NTP=yes`` lines."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def chrony_tracking(text: str) -> tuple[str, float | None]:
    """The leap status (``Normal``, ``Not synchronised``...) and the system clock's offset in
    milliseconds (``System time : 0.000012 seconds fast of NTP time``)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip()
    offset = None
    m = re.match(r"([-\d.]+) seconds (fast|slow)", fields.get("system time", ""))
    if m:
        offset = abs(float(m[1])) * 1000
    return fields.get("leap status", ""), offset


def ntpq_synced(text: str) -> bool:
    """``ntpq -pn``: a peer line starting with ``*`` is the system peer."""
    return any(line.startswith("*") for line in text.splitlines())


def ntpctl_synced(text: str) -> bool | None:
    """OpenNTPD ``ntpctl -s status``: ``... clock synced, stratum 3`` or ``clock unsynced``."""
    if "clock unsynced" in text:
        return False
    if "clock synced" in text:
        return True
    return None
