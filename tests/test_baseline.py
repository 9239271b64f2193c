"""The findings baseline (issue 22): --devops-policy-baseline, -baseline-write, -baseline-add,
-baseline-ref. Real files, real pytest runs (pytester), real git repositories."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import DEPLOYMENT, OWNER_POLICY, parse_junit

from pytest_devops_policy import baseline as bl

NO_BUILTIN = ("-p", "no:devops_policy.builtin")
MISSING = "metadata.labels.owner is missing"

# Two findings per object: the owner label, and every label whose value looks like a token
# (keyed by the token's hash, never its value).
POLICIES = (
    OWNER_POLICY.replace("return [missing_owner_label]", "return [missing_owner_label, token]")
    + """

@policy(id="ACME-002", name="token-in-label", title="A label holds a token",
        severity=Severity.HIGH, rationale="Labels are not secret.", remediation="Remove it.")
def token(k8s_object):
    for key, value in sorted(k8s_object.labels.items()):
        if str(value).startswith("tok"):
            yield Violation(f"label {key} holds the token {value}", path=("metadata", "labels"),
                            secret=str(value))
"""
)


def _write(pytester: pytest.Pytester, name: str, text: str) -> Path:
    p = pytester.path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def _deploy(name: str, labels: str = "", above: str = "") -> str:
    doc = DEPLOYMENT.format(name=name)
    if labels:
        doc = doc.replace(f"    app: {name}\n", f"    app: {name}\n{labels}", 1)
    return above + doc


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-p", "no:cacheprovider", *args)


def _entries(path: Path) -> list[dict[str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["tool"] == "pytest-devops-policy"
    entries: list[dict[str, str]] = data["entries"]
    return entries


@pytest.fixture
def two(pytester: pytest.Pytester) -> pytest.Pytester:
    """web.yaml and api.yaml, each failing ACME-001."""
    pytester.makeconftest(OWNER_POLICY)
    _write(pytester, "web.yaml", _deploy("web"))
    _write(pytester, "api.yaml", _deploy("api"))
    return pytester


ITEM_MODELS = pytest.mark.parametrize("items", ["policy", "resource"])


@ITEM_MODELS
def test_written_baseline_turns_failures_into_xfails(two: pytest.Pytester, items: str) -> None:
    model = f"--devops-policy-items={items}"
    result = _run(two, model, "--devops-policy-baseline-write=bl.json")
    result.assert_outcomes(failed=2)  # writing does not judge with the file
    result.stdout.fnmatch_lines(
        ["*wrote baseline bl.json (2 entries: 0 removed as fixed, 2 added)"]
    )
    entries = _entries(two.path / "bl.json")
    assert [(e["file"], e["resource"], e["policy"], e["message"]) for e in entries] == [
        ("api.yaml", "Deployment/api", "ACME-001", MISSING),
        ("web.yaml", "Deployment/web", "ACME-001", MISSING),
    ]
    assert all(e["severity"] == "medium" and len(e["key"]) == 32 for e in entries)

    result = _run(two, model, "--devops-policy-baseline=bl.json", "-rx")
    result.assert_outcomes(xfailed=2)
    result.stdout.fnmatch_lines(
        [
            "baseline: 2 baselined, 0 fixed (remove them), 0 new (bl.json)",
            f"XFAIL web.yaml::Deployment/web* - in baseline bl.json: ACME-001 missing-owner-label"
            f" [[]medium]: {MISSING} at web.yaml:5",
        ]
    )


@ITEM_MODELS
def test_a_fixed_finding_fails_the_run_until_its_entry_is_removed(
    two: pytest.Pytester, items: str
) -> None:
    model = f"--devops-policy-items={items}"
    _run(two, model, "--devops-policy-baseline-write=bl.json")
    _write(two, "web.yaml", _deploy("web", "    owner: team-a\n"))
    result = _run(two, model, "--devops-policy-baseline=bl.json")
    result.assert_outcomes(failed=1, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "XPASS(strict) ACME-001 fixed: remove this entry from the baseline bl.json "
            f"(ACME-001 Deployment/web: {MISSING})",
            "baseline: 1 baselined, 1 fixed (remove them), 0 new (bl.json)",
            "FAILED web.yaml::Deployment/web* - XPASS(strict) ACME-001 fixed: *",
        ]
    )
    # the rewrite removes it; then the run passes
    result = _run(two, model, "--devops-policy-baseline-write=bl.json")
    result.stdout.fnmatch_lines(
        ["*wrote baseline bl.json (1 entries: 1 removed as fixed, 0 added*"]
    )
    assert [e["file"] for e in _entries(two.path / "bl.json")] == ["api.yaml"]
    _run(two, model, "--devops-policy-baseline=bl.json").assert_outcomes(passed=1, xfailed=1)


def test_edits_elsewhere_keep_the_entry_and_another_file_is_another_entry(
    two: pytest.Pytester,
) -> None:
    _run(two, "--devops-policy-baseline-write=bl.json")
    above = "# a comment\n# another one\n\n"
    _write(two, "web.yaml", _deploy("web", "    tier: front\n    zone: a\n", above=above))
    _write(two, "copy/web.yaml", _deploy("web"))  # the same resource, in another file
    result = _run(two, "--devops-policy-baseline=bl.json", "-rfx")
    result.assert_outcomes(xfailed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "baseline: 2 baselined, 0 fixed (remove them), 1 new (bl.json)",
            "FAILED copy/web.yaml::Deployment/web::ACME-001 - *",
        ]
    )


def test_secret_findings_are_keyed_by_hash_and_never_written(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(POLICIES)
    token_a, token_b = "tokAAAA1111secret", "tokBBBB2222secret"
    _write(pytester, "web.yaml", _deploy("web", f"    owner: a\n    key: {token_a}\n"))
    _run(pytester, "--devops-policy-baseline-write=bl.json")
    text = (pytester.path / "bl.json").read_text(encoding="utf-8")
    assert token_a not in text
    (entry,) = _entries(pytester.path / "bl.json")
    assert entry["policy"] == "ACME-002" and "holds the token" in entry["message"]
    _run(pytester, "--devops-policy-baseline=bl.json").assert_outcomes(passed=1, xfailed=1)
    # another token on the same label: a new finding, and the old entry is fixed
    _write(pytester, "web.yaml", _deploy("web", f"    owner: a\n    key: {token_b}\n"))
    result = _run(pytester, "--devops-policy-baseline=bl.json")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["baseline: 0 baselined, 1 fixed (remove them), 1 new (bl.json)"])
    assert token_b not in result.stdout.str() and token_a not in result.stdout.str()


def test_some_findings_baselined_fails_with_the_new_ones(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(POLICIES)
    _write(pytester, "web.yaml", _deploy("web", "    owner: a\n    k1: tok111111\n"))
    _run(pytester, "--devops-policy-baseline-write=bl.json")
    _write(pytester, "web.yaml", _deploy("web", "    owner: a\n    k1: tok111111\n    k2: tok2\n"))
    result = _run(pytester, "--devops-policy-baseline=bl.json")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*label k2 holds the token *",
            "*note: 1 other finding(s) in baseline bl.json",
            "baseline: 1 baselined, 0 fixed (remove them), 1 new (bl.json)",
        ]
    )


def test_rewrite_removes_fixed_entries_and_adds_only_when_asked(two: pytest.Pytester) -> None:
    (two.path / "api.yaml").unlink()
    _run(two, "--devops-policy-baseline-write=bl.json")
    assert [e["file"] for e in _entries(two.path / "bl.json")] == ["web.yaml"]
    _write(two, "api.yaml", _deploy("api"))  # a new failure
    result = _run(two, "--devops-policy-baseline-write=bl.json")
    result.stdout.fnmatch_lines(
        ["*wrote baseline bl.json (1 entries: 0 removed as fixed, 0 added, new failures not added)"]
    )
    assert [e["file"] for e in _entries(two.path / "bl.json")] == ["web.yaml"]
    _run(two, "--devops-policy-baseline-write=bl.json", "--devops-policy-baseline-add")
    assert [e["file"] for e in _entries(two.path / "bl.json")] == ["api.yaml", "web.yaml"]


def test_a_partial_run_keeps_the_entries_it_did_not_judge(two: pytest.Pytester) -> None:
    _run(two, "--devops-policy-baseline-write=bl.json")
    _write(two, "web.yaml", _deploy("web", "    owner: a\n"))
    _write(two, "api.yaml", _deploy("api", "    owner: a\n"))
    _run(two, "--devops-policy-baseline-write=bl.json", "web.yaml")  # a path: api not judged
    assert [e["file"] for e in _entries(two.path / "bl.json")] == ["api.yaml"]
    _run(two, "--devops-policy-baseline-write=bl.json", "-k", "web")  # deselected: kept
    assert [e["file"] for e in _entries(two.path / "bl.json")] == ["api.yaml"]


def test_entries_of_a_deleted_file_fail_as_stale_on_full_runs(two: pytest.Pytester) -> None:
    _run(two, "--devops-policy-baseline-write=bl.json")
    (two.path / "api.yaml").unlink()
    result = _run(two, "--devops-policy-baseline=bl.json")
    result.assert_outcomes(failed=1, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "XPASS(strict) 1 entry of the baseline bl.json names a file or resource that no "
            "longer exists",
            "  fixed: remove this entry from the baseline bl.json (ACME-001 Deployment/api: "
            f"{MISSING}: the file is gone)",
            "FAILED bl.json::stale - *",
        ]
    )
    # a partial run did not judge everything: it says so and does not fail
    result = _run(two, "--devops-policy-baseline=bl.json", "-k", "web or stale")
    result.assert_outcomes(xfailed=1, skipped=1)
    _run(two, "--devops-policy-baseline-write=bl.json")
    assert [e["file"] for e in _entries(two.path / "bl.json")] == ["web.yaml"]


def test_xdist_writes_one_baseline(two: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    _run(two, "--devops-policy-baseline-write=serial.json")
    result = _run(two, "-n", "2", "--devops-policy-baseline-write=bl.json")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        ["*wrote baseline bl.json (2 entries: 0 removed as fixed, 2 added)"]
    )
    assert (two.path / "bl.json").read_text() == (two.path / "serial.json").read_text()
    assert sorted(p.name for p in two.path.glob("*.json*")) == ["bl.json", "serial.json"]
    # the fixed entry is removed under xdist too, and its item fails there
    _write(two, "web.yaml", _deploy("web", "    owner: a\n"))
    result = _run(two, "-n", "2", "--devops-policy-baseline=bl.json")
    result.assert_outcomes(failed=1, xfailed=1)
    result.stdout.fnmatch_lines(["baseline: 1 baselined, 1 fixed (remove them), 0 new (bl.json)"])
    _run(two, "-n", "2", "--devops-policy-baseline-write=bl.json")
    assert [e["file"] for e in _entries(two.path / "bl.json")] == ["api.yaml"]


def test_reports_mark_baselined_findings(two: pytest.Pytester) -> None:
    _run(two, "--devops-policy-baseline-write=bl.json")
    result = _run(
        two,
        "--devops-policy-baseline=bl.json",
        "--devops-policy-json=out.json",
        "--devops-policy-sarif=out.sarif",
        "--junitxml=out.xml",
    )
    result.assert_outcomes(xfailed=2)
    doc = json.loads((two.path / "out.json").read_text())
    statuses = {r["status"] for r in doc["results"]}
    assert statuses == {"baselined"}
    keys = {e["key"] for e in _entries(two.path / "bl.json")}
    assert {f["fingerprint"] for r in doc["results"] for f in r["findings"]} == keys
    sarif = json.loads((two.path / "out.sarif").read_text())
    assert sarif["runs"][0]["results"] == []
    (case,) = [c for c in parse_junit(two.path / "out.xml").values() if "web" in c.classname]
    assert case.properties["baseline"] == "bl.json"
    assert case.properties["baseline_status"] == "baselined"
    _run(
        two,
        "--devops-policy-baseline=bl.json",
        "--devops-policy-sarif=out.sarif",
        "--devops-policy-report-suppressed",
    )
    results = json.loads((two.path / "out.sarif").read_text())["runs"][0]["results"]
    assert [r["suppressions"] for r in results] == [
        [{"kind": "external", "status": "accepted", "justification": "in baseline bl.json"}]
    ] * 2
    assert {r["partialFingerprints"]["devopsPolicy/v1"] for r in results} == keys


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("{not json", "baseline bl.json is not JSON"),
        (
            '{"version": 1, "entries": [{"policy": 1}]}',
            "baseline bl.json: entries?0? needs policy, file",
        ),
        ('{"version": 7, "entries": []}', "baseline bl.json: version 7 is not supported"),
    ],
)
def test_a_malformed_baseline_is_one_usage_error(
    two: pytest.Pytester, text: str, said: str
) -> None:
    _write(two, "bl.json", text)
    for option in ("--devops-policy-baseline=bl.json", "--devops-policy-baseline-write=bl.json"):
        result = _run(two, option)
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines([f"ERROR: devops-policy: {said}*"])
        assert "Traceback" not in result.stderr.str()


def test_a_missing_baseline_is_a_usage_error_unless_it_is_being_written(
    two: pytest.Pytester,
) -> None:
    result = _run(two, "--devops-policy-baseline=nope.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: devops-policy: baseline nope.json does not exist"])
    result = _run(two, "--devops-policy-baseline=bl.json", "--devops-policy-baseline-write=bl.json")
    result.stdout.fnmatch_lines(["  baseline bl.json does not exist yet: every finding is new"])
    assert len(_entries(two.path / "bl.json")) == 2


def test_pyproject_baseline_is_relative_to_the_pyproject(two: pytest.Pytester) -> None:
    _run(two, "--devops-policy-baseline-write=ci/bl.json")
    two.makepyprojecttoml('[tool.devops-policy]\nbaseline = "ci/bl.json"\n')
    _run(two).assert_outcomes(xfailed=2)


def test_unchanged_single_baseline_record_roundtrip() -> None:
    entries = [bl.Entry("b.yaml", "D/b", "X-1", "k2", "m"), bl.Entry("a.yaml", "D/a", "X-1", "k")]
    parsed = bl.parse(bl.dumps(entries), "b.json")
    assert parsed.entries == sorted(entries)
    assert bl.dumps(parsed.entries) == bl.dumps(entries)


# -- --devops-policy-baseline-ref: the baseline and waivers of the merge-base ---------------


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A repository whose main has web.yaml failing, baselined, and a branch ``pr`` off it."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(pytester.path))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(pytester.path.parent))
    pytester.makeconftest(OWNER_POLICY)
    _write(pytester, "web.yaml", _deploy("web"))
    _write(pytester, ".gitignore", "__pycache__/\n")
    _git(pytester.path, "init", "-q", "-b", "main")
    _run(pytester, "--devops-policy-baseline-write=bl.json")
    _write(pytester, "pyproject.toml", '[tool.devops-policy]\nbaseline = "bl.json"\n')
    _git(pytester.path, "add", "-A")
    _git(pytester.path, "commit", "-qm", "base")
    _git(pytester.path, "checkout", "-qb", "pr")
    return pytester


def test_a_pull_request_cannot_baseline_its_own_new_finding(repo: pytest.Pytester) -> None:
    _write(repo, "api.yaml", _deploy("api"))
    _run(repo, "--devops-policy-baseline-write=bl.json", "--devops-policy-baseline-add")
    assert len(_entries(repo.path / "bl.json")) == 2  # the PR baselined api.yaml
    _git(repo.path, "add", "-A")
    _git(repo.path, "commit", "-qm", "pr")
    _git(repo.path, "checkout", "-q", "main")
    _write(repo, "other.txt", "main moved on\n")
    _git(repo.path, "add", "-A")
    _git(repo.path, "commit", "-qm", "main moves")
    _git(repo.path, "checkout", "-q", "pr")
    _run(repo).assert_outcomes(xfailed=2)  # without the ref, the PR's own baseline counts
    result = _run(repo, "--devops-policy-baseline-ref=main", "-rfx")
    result.assert_outcomes(xfailed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "baseline: 1 baselined, 0 fixed (remove them), 1 new (bl.json)",
            "  baseline bl.json and waivers read at * (merge-base with main)",
            "FAILED api.yaml::Deployment/api::ACME-001 - *",
        ]
    )


def test_a_pull_request_cannot_waive_its_own_new_finding(repo: pytest.Pytester) -> None:
    # a waiver at the base is honoured; one the PR adds (pyproject or inline) is not
    _git(repo.path, "checkout", "-q", "main")
    _write(repo, "db.yaml", '# devops-policy: ignore[ACME-001] reason="legacy"\n' + _deploy("db"))
    _git(repo.path, "add", "-A")
    _git(repo.path, "commit", "-qm", "db waived")
    _git(repo.path, "checkout", "-q", "pr")
    _git(repo.path, "merge", "-q", "main")
    reason = '# devops-policy: ignore[ACME-001] reason="mine"\n'
    _write(repo, "api.yaml", reason + _deploy("api"))
    _write(repo, "job.yaml", _deploy("job"))
    waiver = (
        '\n[[tool.devops-policy.waivers]]\npolicy = "ACME-001"\npath = "job.yaml"\nreason = "pr"\n'
    )
    with (repo.path / "pyproject.toml").open("a") as fh:
        fh.write(waiver)
    _run(repo).assert_outcomes(xfailed=4)
    result = _run(repo, "--devops-policy-baseline-ref=main")
    result.assert_outcomes(xfailed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*api.yaml:1: waiver ACME-001 is not in this file at * (the merge-base with main): "
            "not honoured",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "FAILED api.yaml::Deployment/api::ACME-001 - *",
            "FAILED job.yaml::Deployment/job::ACME-001 - *",
        ],
        consecutive=True,
    )


def test_a_pull_request_cannot_waive_by_annotation(repo: pytest.Pytester) -> None:
    annotated = _deploy("api").replace(
        "  labels:\n",
        "  annotations:\n"
        '    devops-policy.io/ignore: "ACME-001"\n'
        '    devops-policy.io/ignore-reason: "owned by the platform team"\n'
        "  labels:\n",
        1,
    )
    _write(repo, "api.yaml", annotated)
    _run(repo).assert_outcomes(xfailed=2)  # the working tree's annotation waives it
    result = _run(repo, "--devops-policy-baseline-ref=main")
    result.assert_outcomes(xfailed=1, failed=1)
    result.stdout.fnmatch_lines(["*api.yaml:*: annotation waiver ACME-001 is not in this file *"])
    _git(repo.path, "add", "-A")
    _git(repo.path, "commit", "-qm", "annotated")
    _git(repo.path, "branch", "-q", "-f", "main")  # now main has the annotation
    _run(repo, "--devops-policy-baseline-ref=main").assert_outcomes(xfailed=2)


def test_baseline_missing_at_the_merge_base_is_empty(repo: pytest.Pytester) -> None:
    _git(repo.path, "rm", "-q", "--cached", "bl.json")
    _git(repo.path, "commit", "-qm", "untrack")
    _git(repo.path, "branch", "-q", "-f", "main")  # main no longer has the baseline
    result = _run(repo, "--devops-policy-baseline-ref=main")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["  baseline bl.json does not exist at * (the merge-base with main): every finding is new"]
    )


def test_unknown_ref_and_no_repository_are_usage_errors(
    repo: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = _run(repo, "--devops-policy-baseline-ref=no-such-branch")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --devops-policy-baseline-ref: unknown ref 'no-such-branch'*"]
    )
    (repo.path / ".git").rename(repo.path / "not-git")
    result = _run(repo, "--devops-policy-baseline-ref=main")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --devops-policy-baseline-ref: * is not inside a git*"])
