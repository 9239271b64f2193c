"""GitLab rules read per pipeline kind (knowledge.ci.gl_rules)."""

from __future__ import annotations

import pytest

from pytest_devops_policy.formats.gitlab_ci.pipeline import Rule
from pytest_devops_policy.knowledge.ci.gl_rules import (
    BRANCH_PUSH,
    MERGE_REQUEST,
    evaluate,
    legacy_runs,
    rules_run,
)

MR, PUSH = MERGE_REQUEST, BRANCH_PUSH


@pytest.mark.parametrize(
    ("condition", "in_mr", "in_push"),
    [
        ('$CI_PIPELINE_SOURCE == "merge_request_event"', True, False),
        ("$CI_PIPELINE_SOURCE == 'push'", False, True),
        ("$CI_COMMIT_BRANCH", False, True),
        ("$CI_MERGE_REQUEST_IID", True, False),
        ("$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", False, True),
        ("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", False, False),
        ('$CI_COMMIT_BRANCH == "main"', False, False),
        ('$CI_COMMIT_BRANCH != "main"', True, True),  # unset != "main"
        ("$CI_COMMIT_TAG", False, False),
        ("$CI_COMMIT_TAG == null", True, True),
        ("$CI_COMMIT_BRANCH =~ /^feature/", False, None),
        ("$CI_COMMIT_MESSAGE =~ /skip/", None, None),
        (
            '($CI_PIPELINE_SOURCE == "push" || $CI_MERGE_REQUEST_ID) && $CI_COMMIT_REF_NAME',
            True,
            True,
        ),
        ('$UNSET_VAR == "x"', False, False),
        ("$CI_PIPELINE_SOURCE = 'push'", None, None),  # unreadable
    ],
)
def test_evaluate(condition: str, in_mr: bool | None, in_push: bool | None) -> None:
    assert evaluate(condition, MR) is in_mr
    assert evaluate(condition, PUSH) is in_push


def test_pipeline_variables_are_read() -> None:
    mr = MR.with_user({"RUN_MR": "true", "DYN": "$OTHER"})
    assert evaluate('$RUN_MR == "true"', mr) is True
    assert evaluate('$DYN == "x"', mr) is None


def test_rules_first_match_decides() -> None:
    rules = (
        Rule(0, if_='$CI_PIPELINE_SOURCE == "merge_request_event"'),
        Rule(1, if_="$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", when="never"),
        Rule(2, if_="$CI_COMMIT_BRANCH"),
    )
    mr = rules_run(rules, MR, "on_success")
    push = rules_run(rules, PUSH, "on_success")
    assert mr.runs is True and mr.rule is rules[0]
    assert push.runs is False


def test_rules_uncertain_then_certain() -> None:
    rules = (Rule(0, if_="$CI_COMMIT_MESSAGE =~ /wip/", when="never"), Rule(1))
    assert rules_run(rules, PUSH, "on_success").runs is None
    assert rules_run((Rule(0, if_="$CI_COMMIT_MESSAGE =~ /x/"),), PUSH, "on_success").runs is None
    assert rules_run((), PUSH, "on_success").runs is False


@pytest.mark.parametrize(
    ("only", "except_", "in_mr", "in_push"),
    [
        (None, None, False, True),
        (["merge_requests"], None, True, False),
        (["branches", "merge_requests"], None, True, True),
        (["main"], None, False, False),
        (["/^feature/"], None, False, None),
        ({"refs": ["branches"], "variables": ["$X"]}, None, False, None),
        (None, ["branches"], False, False),
        (["branches"], ["main"], False, True),
    ],
)
def test_legacy(only: object, except_: object, in_mr: bool | None, in_push: bool | None) -> None:
    assert legacy_runs(only, except_, MR) is in_mr
    assert legacy_runs(only, except_, PUSH) is in_push
