"""Golden fixtures: each file under tests/golden/<POLICY-ID>/ is checked against its annotations.

``pass_*`` files must produce no finding for their policy; ``fail_*`` files must
produce exactly the annotated (line, id) pairs. See ``pytest_devops_policy.testing``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_devops_policy.policies import builtin_by_id
from pytest_devops_policy.testing import actual, case_settings, expected

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.glob("*/*") if p.is_file() and not p.name.endswith(".toml"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden(case: Path) -> None:
    policy = builtin_by_id()[case.parent.name]
    want = expected(case.read_text(encoding="utf-8"))
    got = actual(case, policy, case_settings(case))
    if case.name.startswith("pass"):
        assert not want.violations, "pass fixtures carry no expect annotations"
    else:
        assert case.name.startswith("fail"), "golden files are named pass_* or fail_*"
        assert want.violations or want.unknown, "fail fixtures need expect annotations"
    assert sorted(got.violations) == sorted(want.violations)
    assert sorted(got.unknown) == sorted(want.unknown)


def test_every_builtin_has_pass_and_fail_fixtures() -> None:
    for pid in builtin_by_id():
        names = [p.name for p in (GOLDEN / pid).glob("*")]
        assert any(n.startswith("pass") for n in names), f"{pid} has no pass_* fixture"
        assert any(n.startswith("fail") for n in names), f"{pid} has no fail_* fixture"
