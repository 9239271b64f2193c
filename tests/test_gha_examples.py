"""Every GitHub Actions policy's documented ``example`` fails it and its ``use_instead`` passes.

The examples are what users read on the policy pages (``policies/GHA-*.md``); each is
written to ``.github/workflows/ci.yml`` in a fresh repository and checked like a golden case.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_devops_policy.api import Policy
from pytest_devops_policy.formats.github_actions.workflow import parse
from pytest_devops_policy.model import Source
from pytest_devops_policy.policies import builtin_policies
from pytest_devops_policy.testing import actual

GHA = [p for p in builtin_policies() if p.kind == "github-actions"]


def _ids(policy: Policy) -> str:
    return policy.id


def _check(tmp_path: Path, policy: Policy, text: str) -> frozenset[tuple[int, str]]:
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(text, encoding="utf-8")
    return actual(workflow, policy.func, rootdir=tmp_path).violations


@pytest.mark.parametrize("policy", GHA, ids=_ids)
def test_example_fails(tmp_path: Path, policy: Policy) -> None:
    found = _check(tmp_path, policy, policy.example)
    assert any(pid == policy.id for _line, pid in found), f"{policy.id} example: no finding"


@pytest.mark.parametrize("policy", GHA, ids=_ids)
def test_use_instead_passes(tmp_path: Path, policy: Policy) -> None:
    assert _check(tmp_path, policy, policy.use_instead) == frozenset()


@pytest.mark.parametrize("policy", GHA, ids=_ids)
@pytest.mark.parametrize("field", ["example", "use_instead"])
def test_examples_are_whole_workflows(policy: Policy, field: str) -> None:
    # A fragment (no `jobs:`) is skipped as "not a workflow", so it would pass anything.
    text = getattr(policy, field)
    parsed = parse(Source("/r/.github/workflows/ci.yml", ".github/workflows/ci.yml", text))
    assert parsed.skip_reason is None and parsed.workflow is not None and parsed.workflow.jobs


def test_every_policy_is_covered() -> None:
    assert {p.id for p in GHA} >= {"GHA-001", "GHA-003", "GHA-008", "GHA-016"}
