"""GitLab's timeout durations (knowledge.ci.gl_durations), read as ChronicDuration does."""

from __future__ import annotations

import pytest

from pytest_devops_policy.knowledge.ci.gl_durations import is_variable, parse_duration


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("10m", 10),
        ("1h 30m", 90),
        ("90 minutes", 90),
        ("3 hours 30 minutes", 210),
        ("3 hours and 30 minutes", 210),
        ("1h, 30m", 90),
        ("2h", 120),
        ("1 day", 1440),
        ("30m 10s", 30 + 10 / 60),
        ("1.5h", 90),
        ("3600", 60),  # a bare number is seconds
        (600, 10),
        ("one hour", 60),
        ("an hour", 60),
        ("ten minutes", 10),
        ("1 h 30 min", 90),
        ("1 week", 7 * 1440),
        ("0:30:00", 30),
        ("90:00", 90),
        ("  10M  ", 10),
    ],
)
def test_parses(text: object, minutes: float) -> None:
    d = parse_duration(text)
    assert d is not None
    assert d.minutes == pytest.approx(minutes)


@pytest.mark.parametrize(
    "text",
    ["", "soon", "10 parsecs", "0m", "-5m", "10m soon", "m", "1 parsec", True, None, [], {}, 0],
)
def test_rejects(text: object) -> None:
    assert parse_duration(text) is None


def test_trailing_number_is_seconds() -> None:
    d = parse_duration("1h 2")
    assert d is not None and d.seconds == 3602


def test_shown() -> None:
    d = parse_duration("90 minutes")
    assert d is not None and d.shown() == "1h 30m"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("$T", True), ("${T}m", True), ("$[[ inputs.timeout ]]", True), ("10m", False), (5, False)],
)
def test_is_variable(value: object, expected: bool) -> None:
    assert is_variable(value) is expected
