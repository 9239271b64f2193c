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


# -- GHA-006


def test_gha_006_secrets_outside_environment_is_medium_and_opt_in() -> None:
    text = """
        on: push
        jobs:
          publish:
            runs-on: x
            steps:
              - run: ./publish.sh
                env:
                  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
        """
    assert _findings("GHA-006", text) == []
    found = _findings("GHA-006", text, {"gha.secrets_require_environment": True})
    assert found is not None
    assert [(line, sev) for line, sev, _, _ in found] == [(8, Severity.MEDIUM)]


def test_gha_006_only_jobs_with_untrusted_checkout_fail_in_privileged_workflows() -> None:
    found = _findings(
        "GHA-006",
        """
        on: workflow_run
        env:
          DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}
        jobs:
          untrusted:
            runs-on: x
            steps:
              - run: gh pr checkout 12
          trusted:
            runs-on: x
            steps:
              - uses: actions/checkout@v4
        """,
    )
    assert found is not None and len(found) == 1
    assert "job 'untrusted'" in found[0][2] and "gh pr checkout" in found[0][2]


# -- knowledge.ci.checkout (shared by GHA-006 and GHA-009)


@pytest.mark.parametrize(
    ("step", "how"),
    [
        (
            "uses: actions/checkout@v4\n  with: {ref: '${{ github.event.pull_request.head.sha }}'}",
            "ref: ${{ github.event.pull_request.head.sha }}",
        ),
        (
            "uses: actions/checkout@v4\n  with: {ref: '${{ github.head_ref }}'}",
            "ref: ${{ github.head_ref }}",
        ),
        (
            "uses: actions/checkout@v4\n"
            "  with: {ref: 'refs/pull/${{ github.event.number }}/merge'}",
            "ref: refs/pull/${{ github.event.number }}/merge",
        ),
        (
            "uses: actions/checkout@v4\n"
            "  with: {repository: '${{ github.event.pull_request.head.repo.full_name }}'}",
            "repository: ${{ github.event.pull_request.head.repo.full_name }}",
        ),
        (
            "uses: actions/checkout@v4\n  with: {ref: '${{ github.event.workflow_run.head_sha }}'}",
            "ref: ${{ github.event.workflow_run.head_sha }}",
        ),
        ("run: gh pr checkout ${{ github.event.number }}", "gh pr checkout"),
        (
            "run: git fetch origin pull/42/head:pr",
            "'git fetch origin pull/42/head:pr' (a pull request ref)",
        ),
        (
            "run: git -C src fetch upstream +refs/pull/42/merge",
            "+refs/pull/42/merge' (a pull request ref)",
        ),
        (
            "run: git checkout ${{ github.event.pull_request.head.sha }}",
            "github.event.pull_request.head.sha }}",
        ),
        ("run: git pull origin pull/42/head", "(a pull request ref)"),
        ("uses: actions/checkout@v4", None),
        (
            "uses: actions/checkout@v4\n  with: {ref: '${{ github.event.pull_request.base.sha }}'}",
            None,
        ),
        ("uses: actions/checkout@v4\n  with: {ref: main}", None),
        ("run: echo 'gh pr checkout 1'", None),
        ("run: git fetch origin main", None),
    ],
)
def test_untrusted_checkouts(step: str, how: str | None) -> None:
    from pytest_devops_policy.knowledge.ci.checkout import is_privileged, untrusted_checkouts

    body = textwrap.indent(step, " " * 6).replace("      ", "      - ", 1)
    (job,) = _jobs(f"on: pull_request_target\njobs:\n  a:\n    runs-on: x\n    steps:\n{body}\n")
    assert is_privileged(job.workflow)
    found = untrusted_checkouts(job)
    if how is None:
        assert found == []
    else:
        assert len(found) == 1 and how in found[0].what, found


# -- GHA-011 and the S003 seed (catalog §7.3)

SEED = """
    name: Deploy to Production
    on:
      push:
        branches: [main]
    jobs:
      deploy:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v3
          - name: Build Docker image
            run: docker build -t app:${{ github.sha }} .
          - name: Deploy to Kubernetes
            run: kubectl set image deployment/app-deployment app=app:${{ github.sha }}
    """


def test_seed_verdicts() -> None:
    assert _findings("GHA-005", SEED) == []  # PASS
    assert _findings("GHA-006", SEED) == []  # PASS
    assert _findings("GHA-011", SEED) is None  # N/A: no cloud auth step


def test_gha_011_is_medium() -> None:
    found = _findings(
        "GHA-011",
        """
        on: push
        jobs:
          publish:
            runs-on: x
            steps:
              - uses: pypa/gh-action-pypi-publish@release/v1
                with:
                  password: ${{ secrets.PYPI_TOKEN }}
        """,
    )
    assert found is not None and [(line, sev) for line, sev, _, _ in found] == [
        (8, Severity.MEDIUM)
    ]
