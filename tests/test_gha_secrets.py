"""GHA-005, GHA-006 and GHA-011: severities per finding, options, and the shared
untrusted-checkout and script readers (golden fixtures cover the verdicts and lines)."""

from __future__ import annotations

import textwrap

import pytest

from pytest_devops_policy.api import Severity
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.evaluate import evaluate
from pytest_devops_policy.formats.github_actions.workflow import Job, parse
from pytest_devops_policy.model import Source
from pytest_devops_policy.policies import builtin_by_id


def _jobs(text: str) -> list[Job]:
    body = textwrap.dedent(text).lstrip("\n")
    src = Source(
        path="/repo/.github/workflows/ci.yml", relpath=".github/workflows/ci.yml", text=body
    )
    return [s for s in parse(src).subjects if isinstance(s, Job)]


def _findings(
    policy_id: str, text: str, settings: dict[str, object] | None = None
) -> list[tuple[int, Severity, str, str | None]] | None:
    """(line, severity, message, secret) of each finding; None when no job gets an item."""
    policy = builtin_by_id()[policy_id]
    context = Context(settings or {}, ParseCache("/repo"))
    out: list[tuple[int, Severity, str, str | None]] = []
    applied = False
    for job in _jobs(text):
        if not policy.applies_to(job, context):
            continue
        applied = True
        finding = evaluate(policy, job, context)
        out += [(v.line, v.severity, v.message, v.secret) for v in finding.violations]
    return out if applied else None


# -- GHA-005


def test_gha_005_literal_is_critical_vars_is_high_and_secret_is_set() -> None:
    found = _findings(
        "GHA-005",
        """
        on: push
        jobs:
          a:
            runs-on: x
            env:
              DB_PASSWORD: Pr0d-Passw0rd
              API_TOKEN: ${{ vars.API_TOKEN }}
            steps:
              - run: make
        """,
    )
    assert found is not None
    assert [(line, sev, secret) for line, sev, _, secret in found] == [
        (6, Severity.CRITICAL, "Pr0d-Passw0rd"),
        (7, Severity.HIGH, None),
    ]
    assert all("Pr0d-Passw0rd" not in message for _, _, message, _ in found)


def test_gha_005_workflow_env_is_reported_at_its_line() -> None:
    found = _findings(
        "GHA-005",
        """
        on: push
        env:
          API_TOKEN: 7f3c9a1e5b2d8f40
        jobs:
          a:
            runs-on: x
            steps:
              - run: make
        """,
    )
    assert found is not None and [line for line, *_ in found] == [3]


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("password", True),
        ("github_token", True),
        ("registryPassword", True),
        ("ssh-private-key", True),
        ("cache-key", False),
        ("persist-credentials", False),
        ("path", False),
    ],
)
def test_gha_005_credential_inputs(name: str, flagged: bool) -> None:
    text = f"""
        on: push
        jobs:
          a:
            runs-on: x
            steps:
              - uses: acme/x@v1
                with:
                  {name}: k-93jf82hf02
        """
    found = _findings("GHA-005", text)
    assert found is not None and bool(found) is flagged
