"""The controls report (issue 19, point 6) and the framework table it shares with the pages.

The report must agree with the JUnit XML of the same run (per policy and per control, in
both item models and under xdist), say when the evidence is partial, keep controls of
unknown frameworks, escape what scanned files wrote, cap Markdown and not JSON, and stay
linear in size and time.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import Linear, parse_junit
from report_repo import SECRET, make_repo

from pytest_devops_policy.controls import FRAMEWORKS, framework_of, title
from pytest_devops_policy.docs import render_page
from pytest_devops_policy.policies.catalog import lazy_builtin_policies
from pytest_devops_policy.reports import by_name
from pytest_devops_policy.reports.controls import (
    COLUMNS,
    MARKDOWN_CAP,
    cell,
    document,
    markdown,
    write,
)
from pytest_devops_policy.reports.model import (
    STATUSES,
    FindingRecord,
    ItemRecord,
    PolicyInfo,
    ReportSettings,
    RunResults,
    VerdictRecord,
    WaiverInfo,
)

BASE = ("--devops-policy-only", "-p", "no:randomly", "--devops-policy-fail-on=high")
JSON_OUT = "--devops-policy-controls-report=out/controls.json"
MD_OUT = "--devops-policy-controls-report=out/controls.md"

# -- the framework table -----------------------------------------------------------------


def test_every_builtin_control_belongs_to_a_known_framework() -> None:
    unknown = sorted(
        f"{p.id}: {c}" for p in lazy_builtin_policies() for c in p.controls if not framework_of(c)
    )
    assert not unknown, "controls of no framework in controls.py:\n" + "\n".join(unknown)


def test_framework_prefixes_are_distinct_and_unambiguous() -> None:
    prefixes = [f.prefix for f in FRAMEWORKS]
    assert len(set(prefixes)) == len(prefixes)
    assert len({f.key for f in FRAMEWORKS}) == len(FRAMEWORKS)
    for a in prefixes:  # no prefix starts another: the first match is the only one
        assert not [b for b in prefixes if b != a and b.startswith(a)], a


def test_control_titles() -> None:
    assert title("CIS-Docker-4.1") == "CIS Docker Benchmark 4.1"
    assert title("NSA-K8s-Pod-Security") == "NSA/CISA Kubernetes Hardening Guidance: Pod Security"
    assert title("CIS-SSCS-2.3") == "CIS Software Supply Chain Security Guide 2.3"
    assert title("CWE-798") == "Common Weakness Enumeration CWE-798"
    assert title("ACME-OPS-7") == "ACME-OPS-7"
    assert framework_of("CIS-Docker-") is None  # a bare prefix names no control


def test_policy_pages_render_control_titles_from_the_table() -> None:
    gha = next(p for p in lazy_builtin_policies() if p.id == "GHA-011")
    page = render_page(gha)
    assert "- CIS Software Supply Chain Security Guide 2.3 (`CIS-SSCS-2.3`)" in page


# -- agreement with the JUnit XML ----------------------------------------------------------


def _junit_status(case: Any) -> str:
    """A policy-model test case's verdict, as far as JUnit tells it."""
    if case.outcome == "skipped":
        if case.message.startswith("waived"):
            return "waived"
        if case.message.startswith("below"):
            return "below-threshold"
        return "unknown-or-skipped"
    return "failed-or-error" if case.outcome == "failed" else case.outcome


def _fold(status: str) -> str:
    """The report's status in the classes JUnit can tell apart."""
    return {
        "failed": "failed-or-error",
        "error": "failed-or-error",
        "unknown": "unknown-or-skipped",
        "skipped": "unknown-or-skipped",
    }.get(status, status)


def _from_junit(path: Path) -> tuple[Counter[tuple[str, str]], dict[str, set[str]]]:
    """(policy, status) -> verdicts, and policy -> its controls, read from JUnit alone."""
    counts: Counter[tuple[str, str]] = Counter()
    controls: dict[str, set[str]] = {}
    for case in parse_junit(path).values():
        props = case.properties
        if "policy_id" in props:  # the policy model (or a PARSE-ERROR item): one verdict
            pid = props["policy_id"]
            counts[(pid, _junit_status(case))] += 1
            controls[pid] = {c for c in props.get("controls", "").split(",") if c}
            continue
        for key, value in props.items():  # the resource model: one property per verdict
            if "." not in key and key not in ("resource", "kind", "file", "line"):
                counts[(key, _fold(value))] += 1
                controls[key] = {c for c in props.get(f"{key}.controls", "").split(",") if c}
    return counts, controls


def _md_control_rows(text: str) -> dict[str, list[int]]:
    """Control id -> its counts, from the Markdown framework tables."""
    rows: dict[str, list[int]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) != 2 + len(COLUMNS) or cells[0].startswith(("[", "Control", "---")):
            continue
        m = re.search(r"\(([^ ]+)\)$", cells[0])
        control = m.group(1) if m else cells[0]
        rows[control] = [int(c.strip("*")) for c in cells[2:]]
    return rows


@pytest.mark.parametrize("model", ["policy", "resource"])
def test_report_agrees_with_junit(
    pytester: pytest.Pytester, model: str, xdist_args: list[str]
) -> None:
    make_repo(pytester.path)
    result = pytester.runpytest(
        *BASE,
        f"--devops-policy-items={model}",
        JSON_OUT,
        MD_OUT,
        "--junitxml=out/junit.xml",
        *xdist_args,
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "devops-policy: wrote controls report (JSON) out/controls.json (* controls)",
            "devops-policy: wrote controls report (Markdown) out/controls.md (* controls)",
        ]
    )
    doc = json.loads((pytester.path / "out/controls.json").read_text(encoding="utf-8"))
    md = (pytester.path / "out/controls.md").read_text(encoding="utf-8")
    junit, junit_controls = _from_junit(pytester.path / "out/junit.xml")

    # Per policy: the report's counts are the JUnit verdicts.
    from_report: Counter[tuple[str, str]] = Counter()
    for pid, policy in doc["policies"].items():
        for status, n in policy["counts"].items():
            if n:
                from_report[(pid, _fold(status))] += n
    assert from_report == junit
    assert sum(junit.values()) > 100  # the comparison covers a real run

    # Per control: JUnit's controls properties give the same sums as both reports.
    expected: dict[str, Counter[str]] = {}
    for (pid, status), n in junit.items():
        for control in junit_controls[pid]:
            expected.setdefault(control, Counter())[status] += n
    in_json = {
        c["id"]: Counter({_fold(s): 0 for s in STATUSES})
        for fw in doc["frameworks"]
        for c in fw["controls"]
    }
    for fw in doc["frameworks"]:
        for c in fw["controls"]:
            for status, n in c["counts"].items():
                in_json[c["id"]][_fold(status)] += n
            assert len([f for f in c["failing"]]) == c["counts"]["failed"] + c["counts"]["error"]
    # A policy that ran without a resource to judge (no aws_cloudtrail here) has no test
    # case; its controls are in the report with zero counts.
    judged = {c for c, counts in in_json.items() if +counts}
    assert judged == {c for cs in junit_controls.values() for c in cs}
    for control, counts in in_json.items():
        assert +counts == +expected.get(control, Counter()), control
    md_rows = _md_control_rows(md)
    assert set(md_rows) == set(in_json)
    for fw in doc["frameworks"]:
        for c in fw["controls"]:
            assert md_rows[c["id"]] == [c["counts"][s] for s in COLUMNS], c["id"]
    assert SECRET not in md and SECRET not in json.dumps(doc)


def test_report_content(pytester: pytest.Pytester) -> None:
    make_repo(pytester.path)
    pytester.runpytest(*BASE, JSON_OUT, MD_OUT)
    doc = json.loads((pytester.path / "out/controls.json").read_text(encoding="utf-8"))
    md = (pytester.path / "out/controls.md").read_text(encoding="utf-8")
    assert doc["schema"] == "pytest-devops-policy/controls-report" and doc["version"] == 1
    assert doc["run"]["full_run"] is True and doc["run"]["fail_on"] == "high"
    controls = {c["id"]: c for fw in doc["frameworks"] for c in fw["controls"]}
    assert [fw["key"] for fw in doc["frameworks"]][:2] == ["cis-docker", "cis-kubernetes"]

    waived = controls["CIS-K8s-5.2.6"]  # K8S-001, waived inline
    assert waived["counts"]["waived"] == 1
    [waiver] = waived["waivers"]
    assert waiver["policies"] == ["K8S-001"] and waiver["source"] == "k8s/web.yaml:18"
    assert (waiver["reason"], waiver["owner"], waiver["expires"], waiver["status"]) == (
        "vendor image runs as root, OPS-12",
        "platform-team",
        "2999-12-31",
        "used",
    )
    pinned = controls["OpenSSF-Scorecard-Pinned-Dependencies"]  # GHA-003: expired waiver
    assert [(w["policies"], w["status"]) for w in pinned["waivers"]] == [(["GHA-003"], "expired")]
    [failing] = [f for f in pinned["failing"] if f["policy_id"] == "GHA-003"]
    assert (failing["file"], failing["line"]) == (".github/workflows/ci.yml", 7)
    assert failing["nodeid"].startswith(".github/workflows/ci.yml::")
    assert controls["CIS-Docker-4.1"]["failing"][0]["file"] == "Dockerfile"

    # Pseudo-policies and policies without controls get their own places.
    assert doc["problems"]["policies"] == ["PARSE-ERROR"]
    assert doc["problems"]["failing"][0]["file"] == "k8s/broken.yaml"
    assert "K8S-012" in doc["no_control"]["policies"]

    # Markdown: a header an auditor can cite, then one section per framework.
    assert md.startswith("# Compliance evidence by control\n")
    for fact in (
        "| Fails on | severity high and above |",
        "| Scope | complete: every collected policy item ran |",
        f"| Repository root | {cell(str(pytester.path))} |",
    ):
        assert fact in md
    assert re.search(r"\| Waiver expiry judged as of \| \d{4}-\d\d-\d\d \|", md)
    assert "## CIS Docker Benchmark\n" in md and "## NIST SP 800-53\n" in md
    assert "| 4.1 (CIS-Docker-4.1) | DOCKER-001 | 0 | **1** |" in md
    assert "| Dockerfile:1 | stage:0 | high |" in md
    assert "| pyproject.toml:10 | GHA-003 | temporary | ci-team | 2020-01-01 | **expired** |" in md
    assert "## Policies that cite no control" in md
    assert "## Files that could not be checked" in md and "| k8s/broken.yaml:6 | (file) |" in md
    assert "Partial evidence" not in md


def test_a_partial_run_says_so(pytester: pytest.Pytester) -> None:
    make_repo(pytester.path)
    pytester.runpytest(*BASE, JSON_OUT, MD_OUT, "-k", "Dockerfile")
    doc = json.loads((pytester.path / "out/controls.json").read_text(encoding="utf-8"))
    md = (pytester.path / "out/controls.md").read_text(encoding="utf-8")
    assert doc["run"]["full_run"] is False
    assert "| Scope | **partial**:" in md and "> **Partial evidence.**" in md


def test_pyproject_paths_and_no_secret_under_xdist(pytester: pytest.Pytester) -> None:
    make_repo(pytester.path, 'controls_report = ["out/c.md", "out/c.json"]')
    result = pytester.runpytest(*BASE, "-n", "2")
    result.stdout.fnmatch_lines(["*wrote controls report (Markdown) *c.md*"])
    assert len([line for line in result.outlines if "wrote controls report" in line]) == 2
    for name in ("c.md", "c.json"):
        text = (pytester.path / "out" / name).read_text(encoding="utf-8")
        assert "CIS-Docker-4.1" in text and SECRET not in text


def test_format_row() -> None:
    fmt = by_name("controls_report")
    assert fmt.option == "--devops-policy-controls-report" and fmt.repeat
    assert fmt.writer() is write


# -- synthetic runs ----------------------------------------------------------------------

HOSTILE = "a | b <script>alert(1)</script> `x` *y* [l](http://e) \n| --- |"


def _results(n_failing: int, *, controls: tuple[str, ...] = ("CIS-Docker-4.1",)) -> RunResults:
    policy = PolicyInfo("ACME-001", "acme-check", "Acme", "high", "dockerfile", controls)
    items = [
        ItemRecord(
            f"Dockerfile{i}::stage:0::ACME-001",
            "dockerfile",
            "stage:0",
            f"svc{i}/Dockerfile",
            1,
            "failed",
            (
                VerdictRecord(
                    "ACME-001",
                    "failed",
                    "high",
                    3,
                    "",
                    (FindingRecord(3, 1, 3, 9, "high", HOSTILE, f"fp{i}"),),
                ),
            ),
        )
        for i in range(n_failing)
    ]
    waiver = WaiverInfo(
        "pyproject.toml:4", ("ACME",), "config", "r|1", "o<b>", "2030-01-01", "", "unused"
    )
    return RunResults(
        items=items,
        policies={"ACME-001": policy},
        waivers=[waiver],
        files_scanned={"dockerfile": n_failing},
        settings=ReportSettings(),
        root="/repo",
        today=dt.date(2026, 1, 2),
        full_run=False,
    )


def test_unknown_framework_is_kept_under_other_controls() -> None:
    results = _results(2, controls=("ACME-OPS-7", "CIS-Docker-4.1"))
    doc = document(results)
    keys = [fw["key"] for fw in doc["frameworks"]]
    assert keys == ["cis-docker", "other"]
    [other] = doc["frameworks"][1]["controls"]
    assert other["id"] == "ACME-OPS-7" and other["counts"]["failed"] == 2
    md = markdown(results)
    assert "## Other controls" in md and "| ACME-OPS-7 | ACME-001 | 0 | **2** |" in md


def test_scanned_text_cannot_break_a_table_or_inject_html() -> None:
    md = markdown(_results(1))
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "o&lt;b&gt;" in md  # waiver owner
    for line in md.splitlines():
        if line.startswith("| svc0/Dockerfile:3 "):
            assert len(re.findall(r"(?<!\\)\|", line)) == 5  # four cells, no extra
            assert "\\`x\\`" in line and "\\*y\\*" in line and "\\[l\\]" in line
            break
    else:
        pytest.fail("no failing row")
    assert cell("a\nb\r\nc") == "a b c"


def test_markdown_is_capped_json_is_complete() -> None:
    results = _results(MARKDOWN_CAP + 15)
    md = markdown(results)
    assert md.count("| svc") == MARKDOWN_CAP
    assert "and 15 more (the JSON report lists them all)" in md
    [control] = document(results)["frameworks"][0]["controls"]
    assert len(control["failing"]) == MARKDOWN_CAP + 15
    assert [w["status"] for w in control["waivers"]] == ["unused"]
    assert "> **Partial evidence.**" in md
    results.items.reverse()  # xdist delivers items in any order: the report is the same
    assert markdown(results) == md


def test_linear_and_fast(assert_linear: Linear, tmp_path: Path) -> None:
    results = _results(5000, controls=("CIS-Docker-4.1", "NIST-800-53-AC-6", "CWE-250"))
    start = time.process_time()  # CPU time: two xdist workers on two cores inflate wall time
    write(results, str(tmp_path / "c.json"))
    write(results, str(tmp_path / "c.md"))
    assert time.process_time() - start < 1.0
    assert_linear(lambda n: (markdown(_results(n)), document(_results(n))), 300)
