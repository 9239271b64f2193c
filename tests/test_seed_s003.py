"""The S003 seed workflow gives exactly the GitHub Actions verdicts of catalog §7.3.

The workflow is the project's source document, verbatim
(``../shared/seed-examples/s003/.github/workflows/deploy.yml``, copied here so the suite is
hermetic). Placed alone in a repository, under default options:

* FAIL: GHA-001, -003 (medium), -010, -012, -013, -014, -016, -017, -018, -019, -021, and the
  repository-level GHA-015, -023, -027;
* PASS: GHA-002, -005, -006, -007, -008, -022, -026, -029;
* N/A (no item): GHA-004, -009, -011, -020, -024, -025, -028.
"""

from __future__ import annotations

import pytest
from conftest import parse_junit

SEED_WORKFLOW = """\
# GitHub Actions example
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

FAIL = {1, 3, 10, 12, 13, 14, 16, 17, 18, 19, 21, 15, 23, 27}
PASS = {2, 5, 6, 7, 8, 22, 26, 29}
NOT_APPLICABLE = {4, 9, 11, 20, 24, 25, 28}


def _gha(n: int) -> str:
    return f"GHA-{n:03d}"


def test_catalog_lists_every_gha_policy_once() -> None:
    assert set(range(1, 30)) == FAIL | PASS | NOT_APPLICABLE
    assert not (FAIL & PASS or FAIL & NOT_APPLICABLE or PASS & NOT_APPLICABLE)


def test_seed_workflow_verdicts(pytester: pytest.Pytester) -> None:
    wf = pytester.path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "deploy.yml").write_text(SEED_WORKFLOW)
    junit = pytester.path / "out.xml"
    pytester.runpytest(
        "--devops-policy-only",
        "--devops-policy-items=policy",
        "--devops-policy-select=GHA",
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit1",
    )
    outcomes: dict[str, set[str]] = {}
    severities: dict[str, set[str]] = {}
    for case in parse_junit(junit).values():
        pid = case.properties.get("policy_id", "")
        outcomes.setdefault(pid, set()).add(case.outcome)
        severities.setdefault(pid, set()).add(case.properties.get("severity", ""))
    assert "PARSE-ERROR" not in outcomes
    got_fail = {p for p, o in outcomes.items() if "failed" in o}
    got_pass = {p for p, o in outcomes.items() if o == {"passed"}}
    assert got_fail == {_gha(n) for n in FAIL}
    assert got_pass == {_gha(n) for n in PASS}
    assert not {_gha(n) for n in NOT_APPLICABLE} & set(outcomes)
    assert severities["GHA-003"] == {"medium"}


def test_classification_is_printed_in_verbose_mode(pytester: pytest.Pytester) -> None:
    # Catalog §3.3: with -v a failing deploy-discipline item says how the job was classified.
    wf = pytester.path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "deploy.yml").write_text(SEED_WORKFLOW)
    args = ("--devops-policy-only", "--devops-policy-select=GHA-016", "-p", "no:cacheprovider")
    quiet = pytester.runpytest(*args)
    quiet.assert_outcomes(failed=1)
    assert "how it was read:" not in quiet.stdout.str()
    verbose = pytester.runpytest(*args, "-v")
    verbose.assert_outcomes(failed=1)
    verbose.stdout.fnmatch_lines(
        [
            "*how it was read:*",
            "*job 'deploy': deploy job*",
            "*job id 'deploy' matches the deploy-name pattern*",
            "*production deploy:*",
        ]
    )
    # Kept in the result cache: a warm run prints the same.
    warm = pytester.runpytest("--devops-policy-only", "--devops-policy-select=GHA-016", "-v")
    warm = pytester.runpytest("--devops-policy-only", "--devops-policy-select=GHA-016", "-v")
    warm.stdout.fnmatch_lines(["*how it was read:*", "*job 'deploy': deploy job*"])
