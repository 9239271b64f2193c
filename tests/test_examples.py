"""The bundled examples behave as the README says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import parse_junit

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def examples(pytester: pytest.Pytester) -> Path:
    target = pytester.path / "examples"
    shutil.copytree(EXAMPLES, target, symlinks=True)
    return target


def _run(pytester: pytest.Pytester, path: str) -> dict[str, object]:
    junit = pytester.path / "out.xml"
    pytester.runpytest(
        "--devops-policy-only", path, f"--junitxml={junit}", "-o", "junit_family=xunit1"
    )
    return parse_junit(junit)  # type: ignore[return-value]


def test_insecure_fails_in_every_kind(pytester: pytest.Pytester, examples: Path) -> None:
    cases = _run(pytester, "examples/insecure")
    failed_kinds = {c.properties["kind"] for c in cases.values() if c.outcome == "failed"}
    assert failed_kinds == {"dockerfile", "kubernetes", "github-actions", "terraform", "secrets"}
    assert not any(c.properties["policy_id"] == "PARSE-ERROR" for c in cases.values())


def test_hardened_passes(pytester: pytest.Pytester, examples: Path) -> None:
    cases = _run(pytester, "examples/hardened")
    kinds = {c.properties["kind"] for c in cases.values()}
    assert kinds == {
        "dockerfile",
        "kubernetes",
        "github-actions",
        "terraform",
        "secrets",
        "cross-artifact",
    }
    failed = [k for k, c in cases.items() if c.outcome != "passed"]
    assert failed == []


def test_custom_policy_example(pytester: pytest.Pytester, examples: Path) -> None:
    cases = _run(pytester, "examples/custom-policy")
    outcomes = {c.properties["policy_id"]: c.outcome for c in cases.values()}
    assert outcomes.pop("ACME-001") == "failed"
    assert set(outcomes.values()) == {"passed"}
