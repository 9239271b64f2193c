"""Golden fixtures: each case under tests/golden/<POLICY-ID>/ is checked against its annotations.

A case is a file, or a directory holding a small tree (a Dockerfile with its build context;
a live host's files and command outputs, tests/host_golden.py);
``pass_*`` cases must produce no finding for their policy, ``fail_*`` cases exactly the
annotated (line, id) pairs. See ``pytest_devops_policy.testing``.
"""

from __future__ import annotations

from pathlib import Path

import host_golden
import pytest

from pytest_devops_policy.api import Policy
from pytest_devops_policy.kinds import classify
from pytest_devops_policy.policies import builtin_anchors, builtin_by_id
from pytest_devops_policy.testing import actual, golden_case, golden_cases

GOLDEN = Path(__file__).parent / "golden"
CASES = golden_cases(GOLDEN)


def _anchor(primary: Policy, checked: Path) -> Policy:
    """The anchor of a policy on several subjects (``api.also_anchored``) that judges the
    checked file: the one of its kind (a GitLab CI case of a GitHub-anchored XREF policy)."""
    kind = classify(checked)
    anchors = builtin_anchors(primary.id)
    return next((p for p in anchors if kind is not None and p.kind == kind.name), primary)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden(case: Path) -> None:
    policy = builtin_by_id()[case.parent.name]
    if policy.kind == "host":  # what a live host shows, judged on a fake host
        host_golden.check(policy, case)
        return
    golden = golden_case(case)
    policy = _anchor(policy, golden.checked.relative_to(golden.rootdir))
    want = golden.expectations()
    got = actual(golden.checked, policy, golden.settings, golden.rootdir, [golden.path])
    if golden.passing:
        assert not want.violations, "pass fixtures carry no expect annotations"
    else:
        assert case.name.startswith("fail"), "golden cases are named pass_* or fail_*"
        assert want.violations or want.unknown, "fail fixtures need expect annotations"
    assert sorted(got.violations) == sorted(want.violations)
    assert sorted(got.unknown) == sorted(want.unknown)


def test_every_builtin_has_pass_and_fail_fixtures() -> None:
    for pid in builtin_by_id():
        names = [p.name for p in golden_cases(GOLDEN) if p.parent.name == pid]
        assert any(n.startswith("pass") for n in names), f"{pid} has no pass_* fixture"
        assert any(n.startswith("fail") for n in names), f"{pid} has no fail_* fixture"


def test_every_case_is_named_pass_or_fail() -> None:
    strays = [
        p
        for p in GOLDEN.glob("*/*")
        if not p.name.startswith(("pass", "fail")) and p.suffix != ".toml"
    ]
    assert not strays, f"golden cases must be named pass_* or fail_*: {strays}"
