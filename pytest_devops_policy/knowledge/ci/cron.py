"""POSIX cron expressions (``on.schedule[].cron``): parsed, and asked "can it fire on a Friday?".

Five fields: minute, hour, day of month, month, day of week. Each is ``*``, a number, a
range ``a-b``, a step ``*/n``, ``a-b/n`` or ``a/n`` (from ``a`` to the maximum), or a
comma list of those; months and weekdays may be names (``JAN``, ``MON-FRI``), and
weekday 7 is Sunday like 0. GitHub runs schedules in UTC.

The day rule of cron: when both day fields are restricted, the job runs on days matching
*either*; when one of them starts with ``*``, on days matching both (Vixie cron, which
``*/2`` counts as unrestricted too).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FRIDAY", "Cron", "CronError", "parse_cron"]

FRIDAY = 5
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {n: i + 1 for i, n in enumerate(_MONTH_NAMES)}
_DAYS = {n: i for i, n in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February may have 29
# (low, high, names) per field
_FIELDS: tuple[tuple[int, int, dict[str, int]], ...] = (
    (0, 59, {}),
    (0, 23, {}),
    (1, 31, {}),
    (1, 12, _MONTHS),
    (0, 7, _DAYS),
)


class CronError(ValueError):
    """Not a cron expression GitHub accepts."""


@dataclass(frozen=True)
class Cron:
    text: str
    dom: frozenset[int]
    months: frozenset[int]
    dow: frozenset[int]  # 0 = Sunday (7 is folded into 0)
    dom_star: bool
    dow_star: bool

    def _some_date(self) -> bool:
        """Some day of the month field exists in one of the months (not ``30 2``)."""
        return any(d <= _MONTH_DAYS[m - 1] for m in self.months for d in self.dom)

    def fires_on(self, weekday: int) -> bool:
        """Whether the schedule can fire on this weekday (0 = Sunday), in some year."""
        if not self._some_date():
            return weekday in self.dow and not self.dom_star and not self.dow_star
        if self.dom_star or self.dow_star:
            return weekday in self.dow  # both must match; any date falls on any weekday
        return True  # either matches: a day-of-month date can fall on this weekday

    def why_friday(self) -> str:
        """Why the schedule can fire on a Friday, for messages."""
        if (self.dom_star or self.dow_star) or FRIDAY in self.dow:
            return "its day-of-week field includes Friday"
        return (
            "its day-of-month field can fall on a Friday, and cron runs when either day "
            "field matches"
        )


def _value(text: str, low: int, high: int, names: dict[str, int]) -> int:
    low_text = text.lower()
    if low_text in names:
        return names[low_text]
    if not text.isdigit():
        raise CronError(f"'{text}' is not a number or a name")
    value = int(text)
    if not low <= value <= high:
        raise CronError(f"{value} is outside {low}-{high}")
    return value


def _field(text: str, index: int) -> frozenset[int]:
    low, high, names = _FIELDS[index]
    out: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronError(f"'{part}' has an invalid step")
            step = int(step_text)
        if base == "*":
            first, last = low, high
        elif "-" in base:
            a, _, b = base.partition("-")
            first, last = _value(a, low, high, names), _value(b, low, high, names)
            if first > last:
                raise CronError(f"'{part}' is a reversed range")
        else:
            first = _value(base, low, high, names)
            last = high if step_text else first
        out.update(range(first, last + 1, step))
    if index == 4 and 7 in out:
        out.discard(7)
        out.add(0)
    return frozenset(out)


def parse_cron(text: str) -> Cron:
    """A five-field cron expression; ``CronError`` when it is not one."""
    fields = text.split()
    if len(fields) != 5:
        raise CronError(f"'{text}' has {len(fields)} fields, not 5")
    parsed = [_field(f, i) for i, f in enumerate(fields)]
    return Cron(
        text=text.strip(),
        dom=parsed[2],
        months=parsed[3],
        dow=parsed[4],
        dom_star=fields[2].startswith("*"),
        dow_star=fields[4].startswith("*"),
    )
