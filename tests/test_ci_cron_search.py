"""The cron reader (GHA-024) and the finite "can it be true" search of the one condition
engine, knowledge.ci.scenarios (GHA-018, GHA-024)."""

from __future__ import annotations

import pytest

from pytest_devops_policy.formats.github_actions.expressions import parse_expression
from pytest_devops_policy.knowledge.ci.cron import FRIDAY, CronError, parse_cron
from pytest_devops_policy.knowledge.ci.scenarios import may_be_true


@pytest.mark.parametrize(
    ("cron", "friday"),
    [
        ("0 6 * * 1-5", True),
        ("0 6 * * *", True),
        ("0 6 * * FRI", True),
        ("0 6 * * mon-fri", True),
        ("0 6 * * 4-6", True),
        ("0 6 * * 1-5/2", True),
        ("0 6 * * 5-7", True),
        ("0 6 * * 3,5", True),
        ("0 0 13 * 1", True),  # both day fields restricted: either matches
        ("0 0 13 * *", True),  # the 13th can be a Friday
        ("0 6 * * 1-4", False),
        ("0 6 * * */2", False),  # 0, 2, 4, 6
        ("0 6 * * 7", False),  # Sunday
        ("0 6 * * SAT,SUN", False),
        ("0 0 30 2 *", False),  # never fires
        ("0 0 */2 * 1", False),  # '*' day of month: both must match
    ],
)
def test_fires_on_friday(cron: str, friday: bool) -> None:
    assert parse_cron(cron).fires_on(FRIDAY) is friday


@pytest.mark.parametrize(
    "cron", ["0 6 * *", "61 * * * *", "0 6 * * 8", "0 6 * * 5-1", "0 6 * * */0", "@daily", "x"]
)
def test_invalid_crons_raise(cron: str) -> None:
    with pytest.raises(CronError):
        parse_cron(cron)


def _e(text: str):  # type: ignore[no-untyped-def]
    return parse_expression(text)


def test_contradiction_with_assumption_is_false() -> None:
    cancel = _e("github.ref != 'refs/heads/main'")
    only_main = _e("github.ref == 'refs/heads/main'")
    assert may_be_true(cancel, [only_main]) is False
    assert may_be_true(cancel) is True


def test_domains_fix_context_values() -> None:
    cancel = _e("github.event_name == 'pull_request'")
    assert may_be_true(cancel, domains={("github", "event_name"): ["push"]}) is False
    assert may_be_true(cancel, domains={("github", "event_name"): ["push", "pull_request"]})


def test_string_functions_and_unknown_calls() -> None:
    tag = _e("startsWith(github.ref, 'refs/tags/')")
    assert may_be_true(tag, domains={("github", "ref"): ["refs/heads/main"]}) is False
    assert may_be_true(tag) is True
    # An unknown function may be true.
    assert may_be_true(_e("fromJSON(vars.X)")) is True


def test_search_shares_the_scenario_folding() -> None:
    # contains() on a literal JSON array and format() fold once their arguments are known,
    # as they do for the run scenarios of GHA-020/029 (one engine since the merge).
    push_only = {("github", "event_name"): ["push"]}
    listed = _e('contains(fromJSON(\'["pull_request", "merge_group"]\'), github.event_name)')
    assert may_be_true(listed, domains=push_only) is False
    assert may_be_true(listed, domains={("github", "event_name"): ["merge_group"]}) is True
    fmt = _e("format('refs/heads/{0}', github.ref_name) == 'refs/heads/main'")
    assert may_be_true(fmt, domains={("github", "ref_name"): ["dev"]}) is False


def test_mixed_types_compare_as_numbers() -> None:
    # GitHub coerces '1' == 1 to numbers; text that is not a number is NaN, equal to nothing.
    assert may_be_true(_e("'1' == 1")) is True
    assert may_be_true(_e("'x' == 0")) is False
    assert may_be_true(_e("true == 1")) is True
