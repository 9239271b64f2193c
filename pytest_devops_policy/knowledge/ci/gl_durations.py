"""GitLab CI durations (``timeout: 1h 30m``), read the way GitLab reads them.

GitLab parses ``timeout`` (and ``artifacts:expire_in``...) with ChronicDuration, a
natural-language duration reader: ``"10m"``, ``"1h 30m"``, ``"3 hours 30 minutes"``,
``"90 minutes"``, ``"1 day"``, ``"30m 10s"``, ``"1.5h"``, ``"one hour"``. A bare number is
seconds (``"3600"`` is one hour), and ``h:m:s`` / ``m:s`` clock forms are accepted. Months
count 30 days and years 365, as ChronicDuration does. This module only reads the text; it
never decides what is too long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Duration", "is_variable", "parse_duration"]

_UNITS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "w": 7 * 86400,
    "wk": 7 * 86400,
    "wks": 7 * 86400,
    "week": 7 * 86400,
    "weeks": 7 * 86400,
    "mo": 30 * 86400,
    "mos": 30 * 86400,
    "month": 30 * 86400,
    "months": 30 * 86400,
    "y": 365 * 86400,
    "yr": 365 * 86400,
    "yrs": 365 * 86400,
    "year": 365 * 86400,
    "years": 365 * 86400,
}
_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}
_TOKEN = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)?|([a-z][a-z-]*)")
_CLOCK = re.compile(r"^(?:(\d+):)?(?:(\d+):)?(\d+)(?:\.(\d+))?$")
_VARIABLE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\[\[")


@dataclass(frozen=True)
class Duration:
    """A parsed duration: its length in seconds and the text it came from."""

    seconds: float
    text: str

    @property
    def minutes(self) -> float:
        return self.seconds / 60

    def shown(self) -> str:
        """``1h 30m`` style, for messages."""
        total = round(self.seconds)
        parts = []
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
            if total >= size:
                parts.append(f"{total // size}{unit}")
                total %= size
        return " ".join(parts) or "0s"


def is_variable(value: object) -> bool:
    """A value GitLab expands before reading it (``$JOB_TIMEOUT``, ``$[[ inputs.t ]]``)."""
    return isinstance(value, str) and _VARIABLE.search(value) is not None


def _clock(text: str) -> float | None:
    """``1:30:00`` (h:m:s) or ``90:00`` (m:s); a lone number is not a clock."""
    if ":" not in text:
        return None
    m = _CLOCK.match(text)
    if m is None:
        return None
    fields = [int(g) for g in m.groups()[:3] if g is not None]
    seconds = 0.0
    for size, value in zip((1, 60, 3600), reversed(fields), strict=False):
        seconds += size * value
    if m.group(4):
        seconds += float("0." + m.group(4))
    return seconds


def parse_duration(value: object) -> Duration | None:
    """The duration GitLab reads from ``value``, or ``None`` when it reads none (an
    unparsable value, a negative or zero length, a non-scalar). Variables are not expanded:
    check ``is_variable`` first."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, (int, float)):
        return Duration(float(value), str(value)) if value > 0 else None
    text = str(value).strip()
    clean = re.sub(r"\s+and\s+|,", " ", text.lower()).strip()
    if not clean:
        return None
    clock = _clock(clean)
    if clock is not None:
        return Duration(clock, text) if clock > 0 else None
    seconds = 0.0
    pending: float | None = None  # a number waiting for its unit ("one hour", "3 hours")
    pos = 0
    for m in _TOKEN.finditer(clean):
        if clean[pos : m.start()].strip():
            return None  # something that is neither a number nor a word
        pos = m.end()
        number, unit, word = m.groups()
        if number is not None:
            if pending is not None:
                return None
            if unit is None:
                pending = float(number)
                continue
            if unit not in _UNITS:
                return None
            seconds += float(number) * _UNITS[unit]
        elif word in _UNITS and pending is not None:
            seconds += pending * _UNITS[word]
            pending = None
        elif word in _WORDS and pending is None:
            pending = float(_WORDS[word])
        else:
            return None
    if clean[pos:].strip():
        return None
    if pending is not None:
        # A trailing bare number: seconds (ChronicDuration's default unit).
        seconds += pending
    return Duration(seconds, text) if seconds > 0 else None
