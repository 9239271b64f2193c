"""The secrets baseline (issue 18 point 5): hashed hits pass as waived, stale entries show."""

from __future__ import annotations

import json
import random
import string
import subprocess
import sys

import pytest

RUN = ("--devops-policy-only", "--devops-policy-select=SECRET", "-p", "no:cacheprovider", "-rA")


def _password() -> str:
    rng = random.Random(4)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(16))


@pytest.fixture
def tree(pytester: pytest.Pytester) -> pytest.Pytester:
    pw = _password()
    (pytester.path / "app.env").write_text(f"DATABASE_URL=postgres://app:{pw}@db:5432/app\n")
    return pytester


def _write_baseline(pytester: pytest.Pytester) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "pytest_devops_policy.secretsbaseline", str(pytester.path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "wrote 1 entries" in out.stdout
    return (pytester.path / ".devops-policy-secrets-baseline.json").read_text()


def test_a_baselined_hit_is_waived_and_the_baseline_holds_no_value(tree: pytest.Pytester) -> None:
    assert tree.runpytest(*RUN).ret == 1
    text = _write_baseline(tree)
    assert _password() not in text
    entry = json.loads(text)["entries"][0]
    assert entry["file"] == "app.env" and entry["policy"] == "SECRET-008"
    result = tree.runpytest(*RUN)
    outcomes = result.parseoutcomes()
    assert outcomes.get("xfailed") == 1 and "failed" not in outcomes
    result.stdout.fnmatch_lines(["*in secrets baseline .devops-policy-secrets-baseline.json*"])


def test_a_new_hit_still_fails(tree: pytest.Pytester) -> None:
    _write_baseline(tree)
    with open(tree.path / "app.env", "a") as handle:
        handle.write("PAYMENTS_CLIENT_SECRET=Qm7vX2pL9sK4tW8z\n")
    result = tree.runpytest(*RUN, "--tb=line")
    # The keyword rule, and the environment-file rule (a value in a committed .env file).
    assert result.parseoutcomes().get("failed") == 2
    result.stdout.fnmatch_lines(["app.env:2:*SECRET-009*"])
    result.stdout.fnmatch_lines(["app.env:2:*SECRET-011*"])


def test_a_stale_entry_is_reported(tree: pytest.Pytester) -> None:
    _write_baseline(tree)
    (tree.path / "app.env").write_text("DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app\n")
    result = tree.runpytest(*RUN)
    result.stdout.fnmatch_lines(["waivers: 0 used, 0 expired, 1 unused*", "  unused: SECRET-008*"])
    strict = tree.runpytest(*RUN, "--devops-policy-strict-waivers")
    assert strict.ret != 0


def test_a_broken_baseline_is_one_usage_error(tree: pytest.Pytester) -> None:
    (tree.path / ".devops-policy-secrets-baseline.json").write_text("{not json")
    result = tree.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*.devops-policy-secrets-baseline.json: not a secrets baseline*"])
