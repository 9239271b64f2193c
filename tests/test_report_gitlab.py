"""The GitLab Code Quality report (--devops-policy-gitlab-codequality, issue 19)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import parse_junit
from report_repo import SECRET, make_repo

from pytest_devops_policy.reports import gitlab_codequality
from pytest_devops_policy.reports.model import (
    FindingRecord,
    ItemRecord,
    ReportSettings,
    RunResults,
    VerdictRecord,
)

pytest_plugins = ["pytester"]

# GitLab's documented Code Quality format (docs.gitlab.com, "Code Quality report format"):
# a list of issues with description, check_name, fingerprint, severity (one of five) and
# location.path (relative, no "./") with location.lines.begin (or positions.begin.line).
CODE_QUALITY_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "type": {"const": "issue"},
            "categories": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1, "pattern": "^(?!\\./)(?!/)"},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def _failing_policies(junit: Path) -> set[str]:
    out = set()
    for case in parse_junit(junit).values():
        props = case.properties
        if "policy_id" in props:
            if case.outcome == "failed":
                out.add(props["policy_id"])
            continue
        out |= {k for k, v in props.items() if "." not in k and v in ("failed", "error")}
    return out


@pytest.mark.parametrize("items", ["policy", "resource"])
def test_report_is_valid_and_agrees_with_junit(
    pytester: pytest.Pytester, xdist_args: list[str], items: str
) -> None:
    make_repo(pytester.path)
    result = pytester.runpytest(
        "--devops-policy-only",
        f"--devops-policy-items={items}",
        "--devops-policy-gitlab-codequality=out/cq.json",
        "--junitxml=out/junit.xml",
        *xdist_args,
    )
    assert result.ret == 1
    path = pytester.path / "out" / "cq.json"
    raw = path.read_text(encoding="utf-8")
    assert SECRET not in raw
    issues = json.loads(raw)
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    result.stdout.fnmatch_lines(
        [f"devops-policy: wrote GitLab Code Quality report out/cq.json ({len(issues)} issues)"]
    )
    assert len(issues) == 26  # one finding per failing verdict in this repository
    assert {i["check_name"] for i in issues} == _failing_policies(pytester.path / "out/junit.xml")
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    for issue in issues:
        assert (pytester.path / issue["location"]["path"]).exists()
    by_check = {i["check_name"]: i for i in issues}
    tf = by_check["TF-006"]
    assert tf["severity"] == "blocker" and tf["location"] == {
        "path": "infra/main.tf",
        "lines": {"begin": 9},
    }
    assert tf["categories"] == ["Security"]
    assert tf["description"].startswith("TF-006 no-open-admin-or-db-ports: ingress from 0.0.0.0/0")
    assert by_check["DOCKER-001"]["severity"] == "critical"  # high
    assert by_check["K8S-004"]["severity"] == "major"  # medium
    assert by_check["K8S-029"]["severity"] == "minor"  # low
    assert by_check["K8S-012"]["categories"] == ["Bug Risk"]  # a probe: no security control
    assert by_check["PARSE-ERROR"]["location"] == {
        "path": "k8s/broken.yaml",
        "lines": {"begin": 6},
    }
    # waived findings and Unknowns are not issues
    assert not {"K8S-001", "DOCKER-003", "DOCKER-023"} & set(by_check)


def test_fingerprints_survive_line_moves(pytester: pytest.Pytester) -> None:
    make_repo(pytester.path)
    pytester.runpytest("--devops-policy-only", "--devops-policy-gitlab-codequality=a.json")
    tf = pytester.path / "infra" / "main.tf"
    tf.write_text("# a comment\n\n" + tf.read_text(encoding="utf-8"), encoding="utf-8")
    pytester.runpytest("--devops-policy-only", "--devops-policy-gitlab-codequality=b.json")

    def keys(name: str) -> dict[str, tuple[str, int]]:
        issues = json.loads((pytester.path / name).read_text(encoding="utf-8"))
        return {
            i["fingerprint"]: (i["check_name"], i["location"]["lines"]["begin"]) for i in issues
        }

    before, after = keys("a.json"), keys("b.json")
    assert before.keys() == after.keys()
    moved = [k for k in before if before[k][0] == "TF-006"]
    assert [before[k][1] for k in moved] == [9] and [after[k][1] for k in moved] == [11]


def test_suppressed_findings_only_on_request(pytester: pytest.Pytester) -> None:
    make_repo(pytester.path, 'gitlab_codequality = "reports/cq.json"\nreport_suppressed = true')
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-fail-on=high")
    result.stdout.fnmatch_lines(["devops-policy: wrote GitLab Code Quality report */cq.json *"])
    issues = json.loads((pytester.path / "reports" / "cq.json").read_text(encoding="utf-8"))
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    info = {i["check_name"]: i for i in issues if i["severity"] == "info"}
    assert info["K8S-001"]["description"].endswith(
        "(waived by k8s/web.yaml:18: vendor image runs as root, OPS-12)"
    )
    assert info["K8S-029"]["description"].endswith("(below the fail-on threshold)")
    assert len(info) == 2 + 16  # waived + below the threshold
    assert sum(1 for i in issues if i["severity"] != "info") == 10
    assert "DOCKER-023" not in {i["check_name"] for i in issues}  # Unknowns never


def test_paths_are_relative_to_the_project_dir(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_repo(pytester.path)
    monkeypatch.setenv("CI_PROJECT_DIR", str(pytester.path.parent))
    pytester.runpytest("--devops-policy-only", "--devops-policy-gitlab-codequality=cq.json")
    issues = json.loads((pytester.path / "cq.json").read_text(encoding="utf-8"))
    paths = {i["location"]["path"] for i in issues}
    assert f"{pytester.path.name}/infra/main.tf" in paths
    assert all(p.startswith(pytester.path.name + "/") for p in paths)


def test_a_bad_pyproject_value_is_a_usage_error(pytester: pytest.Pytester) -> None:
    make_repo(pytester.path, "gitlab_codequality = 3")
    result = pytester.runpytest("--devops-policy-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*gitlab_codequality must be a path*"])


def _results(items: list[ItemRecord], suppressed: bool = False) -> RunResults:
    return RunResults(items, {}, [], {}, ReportSettings(include_suppressed=suppressed), "/repo")


def test_equal_finding_keys_get_unique_fingerprints() -> None:
    """Two resources with one label in one file give the same finding key."""
    finding = FindingRecord(3, 1, 3, 9, "high", "same message", "k" * 32)
    item = ItemRecord(
        "a.yaml::r",
        "kubernetes",
        "r",
        "a.yaml",
        1,
        "failed",
        (VerdictRecord("P-1", "failed", "high", 3, "", (finding, finding)),),
    )
    issues, nowhere = gitlab_codequality.issues(_results([item, item]))
    keys = [i["fingerprint"] for i in issues]
    assert len(keys) == 4 and len(set(keys)) == 4 and keys[0] == "k" * 32
    assert nowhere == 0


def test_a_verdict_without_findings_or_file() -> None:
    crashed = ItemRecord(
        "a.yaml::r",
        "kubernetes",
        "r",
        "a.yaml",
        1,
        "failed",
        (VerdictRecord("P-1", "error", "high", 4, "policy crashed: KeyError", ()),),
    )
    lost = ItemRecord(
        "x::y", "", "", "", 1, "failed", (VerdictRecord("P-2", "error", "low", 1, "r", ()),)
    )
    issues, nowhere = gitlab_codequality.issues(_results([crashed, lost]))
    [issue] = issues
    assert issue["location"] == {"path": "a.yaml", "lines": {"begin": 4}}
    assert issue["description"] == "P-1 p-1: policy crashed: KeyError"
    assert nowhere == 1
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)


def test_write_is_fast(tmp_path: Path) -> None:
    items = [
        ItemRecord(
            f"f{i}.yaml::r",
            "kubernetes",
            "r",
            f"f{i}.yaml",
            1,
            "failed",
            (
                VerdictRecord(
                    "P-1",
                    "failed",
                    "high",
                    1,
                    "",
                    tuple(
                        FindingRecord(j + 1, 1, j + 1, 5, "high", f"m{j}", f"{i:016x}{j:016x}")
                        for j in range(10)
                    ),
                ),
            ),
        )
        for i in range(500)
    ]
    start = time.perf_counter()
    line = gitlab_codequality.write(_results(items), str(tmp_path / "cq.json"))
    took = time.perf_counter() - start
    assert took < 0.5, took
    assert line.endswith("(5000 issues)")
