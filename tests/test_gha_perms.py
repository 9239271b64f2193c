"""GHA-002, GHA-009, GHA-022, GHA-026: per-finding severities and the helpers behind them
(the golden fixtures check lines; these check what the fixtures cannot)."""

from __future__ import annotations

import shlex
import textwrap

import pytest

from pytest_devops_policy.api import Severity
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.evaluate import evaluate
from pytest_devops_policy.formats.github_actions.workflow import parse
from pytest_devops_policy.knowledge.ci.force_push import (
    gh_api_force,
    git_push_force,
    is_protected,
)
from pytest_devops_policy.model import Source
from pytest_devops_policy.policies import builtin_by_id


def _findings(
    policy_id: str, text: str, settings: dict[str, object] | None = None
) -> list[tuple[int | None, Severity | None, str]]:
    body = textwrap.dedent(text).lstrip("\n")
    parsed = parse(
        Source(path="/repo/.github/workflows/ci.yml", relpath=".github/workflows/ci.yml", text=body)
    )
    policy = builtin_by_id()[policy_id]
    context = Context(settings or {}, ParseCache("/repo"))
    out: list[tuple[int | None, Severity | None, str]] = []
    for subject in parsed.subjects:
        if subject.key == policy.subject and policy.applies_to(subject, context):
            finding = evaluate(policy, subject, context)
            out += [(v.line, v.severity, v.message) for v in finding.violations]
    return out


# --------------------------------------------------------------------------- GHA-022


@pytest.mark.parametrize(
    ("words", "target"),
    [
        ("git push --force origin main", "main"),
        ("git push -fu origin feature", "feature"),
        ("git -C dir push origin main --force", "main"),
        ("git push origin +HEAD:gh-pages", "gh-pages"),
        ("git push --force-with-lease", None),
        ("git push --mirror backup", None),
        ("git push -f --all origin", None),
        ("git push -f origin HEAD", None),
        ("git push -f origin $BRANCH", None),
        ("git push -f origin refs/heads/release/2.x", "release/2.x"),
    ],
)
def test_git_push_force_targets(words: str, target: str | None) -> None:
    found = git_push_force(words.split())
    assert [p.target for p in found] == [target]


@pytest.mark.parametrize(
    "words",
    [
        "git push origin main",
        "git push --dry-run -f origin main",
        "git push -nf origin main",
        "git push --no-force-with-lease origin main",
        "git fetch -f origin main",
        "git push -o ci.skip origin main",
        "git push origin :gone",
    ],
)
def test_git_push_not_forced(words: str) -> None:
    assert git_push_force(words.split()) == []


def _argv(text: str) -> list[str]:
    return shlex.split(text)


def test_gh_api_force() -> None:
    found = gh_api_force(_argv("gh api -X PATCH repos/o/r/git/refs/heads/gh-pages -F force=true"))
    assert [(p.target, p.tag) for p in found] == [("gh-pages", False)]
    tag = gh_api_force(_argv("gh api repos/o/r/git/refs/tags/v1 --field=force=true"))
    assert [(p.target, p.tag) for p in tag] == [("v1", True)]
    assert gh_api_force(_argv("gh api repos/o/r/git/refs/heads/x -F force=false")) == []


def test_protected_branches() -> None:
    for name in ("main", "master", "prod", "production", "release", "release/1.x", "Main", None):
        assert is_protected(name, ()), name
    assert not is_protected("gh-pages", ())
    assert is_protected("trunk", ("trunk",))


@pytest.mark.parametrize(
    ("script", "severity"),
    [
        ("git push --force origin main", Severity.CRITICAL),
        ("git push --force origin prod-eu", Severity.CRITICAL),
        ("git push --force", Severity.CRITICAL),
        ("git push --force origin ${{ github.head_ref }}", Severity.CRITICAL),
        ("git push --force origin gh-pages", Severity.HIGH),
        ("git push --force origin refs/tags/v1.2.0", Severity.HIGH),
        ("git push --force origin develop", Severity.HIGH),
    ],
)
def test_gha_022_severity(script: str, severity: Severity) -> None:
    text = f"""
        on: push
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - run: {script}
        """
    assert [sev for _, sev, _ in _findings("GHA-022", text)] == [severity]


def test_gha_022_default_branches_setting() -> None:
    text = """
        on: push
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - run: git push -f origin trunk
        """
    assert [s for _, s, _ in _findings("GHA-022", text)] == [Severity.HIGH]
    found = _findings("GHA-022", text, {"gha.default_branches": ["trunk"]})
    assert [s for _, s, _ in found] == [Severity.CRITICAL]


# --------------------------------------------------------------------------- GHA-026


@pytest.mark.parametrize(
    ("script", "severities"),
    [
        ("curl -sSLk https://x.example/t -o t", [Severity.HIGH]),
        ("curl -fsSL https://x.example/i.sh | bash", [Severity.MEDIUM]),
        ("curl -fsSL http://x.example/i.sh | bash", [Severity.HIGH, Severity.MEDIUM]),
        ("curl -fsS http://localhost:8080/ok", []),
        ("curl -fsS http://127.0.0.2:8080/ok", []),
    ],
)
def test_gha_026_severity(script: str, severities: list[Severity]) -> None:
    text = f"""
        on: push
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - run: {script}
        """
    assert [sev for _, sev, _ in _findings("GHA-026", text)] == severities


def test_gha_026_step_logic_works_on_any_step_list() -> None:
    # The composite-action reuse: the function takes steps, not a job.
    from pytest_devops_policy.formats.github_actions.workflow import Step
    from pytest_devops_policy.knowledge.ci.insecure_downloads import (
        DownloadFinding,
        step_download_findings,
    )

    steps = [
        Step(0, {"run": "curl -k https://x.example/a -o a", "shell": "bash"}, 1, 1),
        Step(1, {"run": "curl http://db:5432/", "shell": "bash"}, 2, 1),
    ]
    found = list(step_download_findings(steps, frozenset({"db"})))
    assert [(f.step.index, f.tls) for f in found if isinstance(f, DownloadFinding)] == [(0, True)]


# --------------------------------------------------------------------------- GHA-009


def test_gha_009_severities() -> None:
    text = """
        on: pull_request_target
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
                with:
                  ref: ${{ github.event.pull_request.head.sha }}
              - run: make
          b:
            runs-on: ubuntu-latest
            steps:
              - run: echo "T=${{ github.event.pull_request.title }}" >> "$GITHUB_ENV"
          c:
            runs-on: ubuntu-latest
            steps:
              - run: echo hello
        """
    assert [s for _, s, _ in _findings("GHA-009", text)] == [
        Severity.CRITICAL,
        Severity.HIGH,
        Severity.MEDIUM,
    ]


def test_gha_009_checkout_without_execution_is_only_the_note() -> None:
    text = """
        on: pull_request_target
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - run: echo before
              - uses: actions/checkout@v4
                with:
                  ref: ${{ github.event.pull_request.head.sha }}
              - uses: actions/upload-artifact@v4
                with:
                  path: .
        """
    assert [s for _, s, _ in _findings("GHA-009", text)] == [Severity.MEDIUM]


def test_untrusted_checkout_module() -> None:
    from pytest_devops_policy.formats.github_actions.workflow import Step
    from pytest_devops_policy.knowledge.ci.checkout import later_execution, untrusted_checkout

    trusted = Step(0, {"uses": "actions/checkout@v4", "with": {"ref": "${{ github.sha }}"}}, 1, 1)
    assert untrusted_checkout(trusted) is None
    script = Step(0, {"run": "gh pr checkout 12\ngit log -1\nnpm test"}, 1, 1)
    found = untrusted_checkout(script)
    assert found is not None and found.command == 0
    assert later_execution([script], found) == "'npm test' later in the same script"
    inert = Step(0, {"run": "gh pr checkout 12 && git diff --stat"}, 1, 1)
    found = untrusted_checkout(inert)
    assert found is not None and later_execution([inert], found) is None


# --------------------------------------------------------------------------- GHA-002


def test_gha_002_is_one_workflow_item_with_per_finding_severity() -> None:
    text = """
        on: push
        permissions:
          contents: write
        jobs:
          a:
            runs-on: ubuntu-latest
            permissions:
              packages: write
            steps:
              - run: make
          b:
            runs-on: ubuntu-latest
            steps:
              - run: make
        """
    assert builtin_by_id()["GHA-002"].subject == "workflow"
    found = _findings("GHA-002", text)
    assert [(line, s) for line, s, _ in found] == [(3, Severity.HIGH), (8, Severity.MEDIUM)]


# --------------------------------------------------------------------------- S003 seed

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
            run: |
              kubectl set image deployment/app-deployment app=app:${{ github.sha }}
    """


@pytest.mark.parametrize("policy_id", ["GHA-002", "GHA-022", "GHA-026"])
def test_seed_passes(policy_id: str) -> None:
    assert _findings(policy_id, SEED) == []


def test_seed_gha_009_not_applicable() -> None:
    body = textwrap.dedent(SEED).lstrip("\n")
    parsed = parse(Source(path="/repo/.github/workflows/d.yml", relpath="d.yml", text=body))
    policy = builtin_by_id()["GHA-009"]
    context = Context({}, ParseCache("/repo"))
    assert not [s for s in parsed.subjects if s.key == "job" and policy.applies_to(s, context)]


# --------------------------------------------------------------------------- GHA-010


@pytest.mark.parametrize(
    ("uses", "severity"),
    [
        ("actions/checkout@v6", Severity.LOW),
        ("actions/checkout@v4.2.2", Severity.MEDIUM),
        # a SHA pin: the version its trailing comment names
        ("actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2", Severity.LOW),
        ("actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd # tag=v6.0.1", Severity.LOW),
        ("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", Severity.MEDIUM),
        ("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683", Severity.MEDIUM),
    ],
)
def test_gha_010_checkout_v6_is_low(uses: str, severity: Severity) -> None:
    text = f"""
        on: push
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - uses: {uses}
              - run: make
        """
    found = _findings("GHA-010", text)
    assert [sev or Severity.MEDIUM for _, sev, _ in found] == [severity]
