"""The SARIF report (``--devops-policy-sarif``): valid SARIF 2.1.0 that GitHub code scanning
accepts, one result per failing finding, stable fingerprints, no secret, GitHub's limits."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from report_repo import DOCKERFILE, FILES, SECRET, make_repo

from pytest_devops_policy.reports import by_name, sarif
from pytest_devops_policy.reports.model import (
    FindingRecord,
    ItemRecord,
    PolicyInfo,
    ReportSettings,
    RunResults,
    VerdictRecord,
    WaiverRecord,
)

SCHEMA = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"
ONLY = ("--devops-policy-only", "-p", "no:cacheprovider")
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
BANDS = {"critical": (9.0, 10.0), "high": (7.0, 8.9), "medium": (4.0, 6.9), "low": (0.1, 3.9)}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (k, *_strings(v))]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def check(doc: dict[str, Any], validator: jsonschema.Draft4Validator) -> dict[str, Any]:
    """What every SARIF file we write must be; returns its one run."""
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert doc["version"] == "2.1.0"
    [run] = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pytest-devops-policy"
    rules = driver["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    assert "" not in _strings(doc)
    root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root.startswith("file:///") and root.endswith("/")
    invocation = run["invocations"][0]
    assert isinstance(invocation["executionSuccessful"], bool)
    for key in ("startTimeUtc", "endTimeUtc"):
        if key in invocation:
            assert DATE_TIME.match(invocation[key]), invocation[key]
    for rule in rules:
        props = rule["properties"]
        assert "security" in props["tags"] and len(props["tags"]) <= sarif.MAX_TAGS
        low, high = BANDS[props["severity"]]
        assert low <= float(props["security-severity"]) <= high
        assert props["precision"] in ("very-high", "high", "medium", "low")
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert f"--devops-policy-explain={rule['id']}" in rule["help"]["text"]
        if "helpUri" in rule:
            assert rule["helpUri"].startswith(("https://", "http://"))
    for result in run["results"]:
        # ruleIndex names the rule the result's ruleId names
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"].strip()
        assert len(result["locations"]) == 1 <= sarif.MAX_LOCATIONS
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        uri = physical["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "\\" not in uri and "://" not in uri
        region = physical["region"]
        assert all(isinstance(v, int) and v >= 1 for v in region.values()), region
        assert region["endLine"] >= region["startLine"]
        if "endColumn" in region and region["endLine"] == region["startLine"]:
            assert region["endColumn"] >= region["startColumn"]
        assert re.fullmatch(
            r"[0-9a-f]{32}(:\d+)?", result["partialFingerprints"][sarif.FINGERPRINT_KEY]
        )
        props = result["properties"]
        assert props["nodeid"] and props["severity"] in BANDS
        assert result["level"] == sarif.LEVELS[props["severity"]]
    return dict(run)


def _run(
    pytester: pytest.Pytester, *args: str, path: str = "out/r.sarif"
) -> tuple[dict[str, Any], str]:
    result = pytester.runpytest(*ONLY, f"--devops-policy-sarif={path}", *args)
    out = result.stdout.str()
    assert "Traceback" not in out and "INTERNALERROR" not in out, out[-3000:]
    text = (pytester.path / path).read_text(encoding="utf-8")
    return json.loads(text), text


def _key(result: dict[str, Any]) -> tuple[Any, ...]:
    physical = result["locations"][0]["physicalLocation"]
    return (
        result["ruleId"],
        physical["artifactLocation"]["uri"],
        json.dumps(physical["region"], sort_keys=True),
        result["partialFingerprints"][sarif.FINGERPRINT_KEY],
        result["level"],
        result["message"]["text"],
    )


# -- the report repository, through pytest -------------------------------------------------


def test_repo_run(
    pytester: pytest.Pytester, xdist_args: list[str], validator: jsonschema.Draft4Validator
) -> None:
    make_repo(pytester.path)
    doc, text = _run(pytester, "--devops-policy-json=out/r.json", *xdist_args)
    run = check(doc, validator)
    assert SECRET not in text and SECRET[:12] not in text
    assert "automationDetails" not in run  # no category asked: the upload action sets it

    # one result per finding of a failed (or error) verdict, as the JSON report counts them
    report = json.loads((pytester.path / "out/r.json").read_text(encoding="utf-8"))
    failing = [
        f["fingerprint"]
        for r in report["results"]
        if r["status"] in ("failed", "error")
        for f in r["findings"] or [None]
        if f is not None
    ]
    results = run["results"]
    assert sorted(r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results) == sorted(
        failing
    )

    found = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in results
    }
    assert ("DOCKER-006", "Dockerfile") in found
    assert ("TF-006", "infra/main.tf") in found
    assert ("PARSE-ERROR", "k8s/broken.yaml") in found
    assert ("GHA-003", ".github/workflows/ci.yml") in found  # its waiver expired
    assert ("K8S-003", "k8s/web.yaml") in found
    rule_ids = {r["ruleId"] for r in results}
    assert not rule_ids & {"K8S-001", "DOCKER-003"}  # waived: left out by default
    assert "DOCKER-023" not in rule_ids  # an Unknown is never a result
    assert all("suppressions" not in r for r in results)

    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    # every policy that ran is a rule, results or not; PARSE-ERROR because one failed
    assert {"K8S-001", "DOCKER-003", "DOCKER-023", "PARSE-ERROR"} <= set(rules)
    assert rules["PARSE-ERROR"]["properties"]["precision"] == "very-high"
    assert rules["DOCKER-006"]["properties"]["security-severity"] == "9.5"
    assert rules["DOCKER-006"]["defaultConfiguration"]["level"] == "error"
    assert rules["DOCKER-006"]["name"] == "no-secrets-in-arg-env"
    assert {"dockerfile", "security", "critical"} <= set(rules["DOCKER-006"]["properties"]["tags"])
    assert rules["K8S-001"]["help"]["markdown"].startswith("# K8S-001 run-as-non-root")
    assert "INTERNAL-ERROR" not in rules and "WAIVER-INVALID" not in rules

    docker6 = next(r for r in results if r["ruleId"] == "DOCKER-006")
    assert docker6["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert docker6["properties"]["kind"] == "dockerfile"
    assert docker6["properties"]["controls"] == list(rules["DOCKER-006"]["properties"]["controls"])

    props = run["properties"]["devopsPolicy"]
    assert props["verdicts"]["unknown"] == 1 and props["verdicts"]["waived"] == 2
    assert props["suppressedLeftOut"] == 2 and "resultsLeftOut" not in props
    assert run["invocations"][0]["executionSuccessful"] is True


def test_item_models_and_xdist_agree(
    pytester: pytest.Pytester, validator: jsonschema.Draft4Validator
) -> None:
    make_repo(pytester.path)
    policy, _ = _run(pytester, "--devops-policy-items=policy", path="out/policy.sarif")
    resource, _ = _run(
        pytester, "--devops-policy-items=resource", "-n", "2", path="out/resource.sarif"
    )
    a, b = check(policy, validator), check(resource, validator)
    assert sorted(map(_key, a["results"])) == sorted(map(_key, b["results"]))
    assert len(a["results"]) > 20
    nodeids = {r["properties"]["nodeid"] for r in b["results"]}
    assert "k8s/web.yaml::Deployment/web" in nodeids  # the resource model's node ids


def test_suppressed_findings_included_on_request(
    pytester: pytest.Pytester, validator: jsonschema.Draft4Validator
) -> None:
    make_repo(pytester.path)
    doc, text = _run(pytester, "--devops-policy-report-suppressed", "--devops-policy-fail-on=high")
    run = check(doc, validator)
    assert SECRET not in text
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for r in run["results"]:
        by_rule.setdefault(r["ruleId"], []).append(r)

    [inline] = by_rule["K8S-001"]
    [suppression] = inline["suppressions"]
    assert suppression["kind"] == "inSource" and suppression["status"] == "accepted"
    assert "vendor image runs as root, OPS-12" in suppression["justification"]
    assert "platform-team" in suppression["justification"]
    assert "2999-12-31" in suppression["justification"]
    assert "k8s/web.yaml:18" in suppression["justification"]

    [config] = by_rule["DOCKER-003"]
    assert config["suppressions"][0]["kind"] == "external"
    assert "base image chosen by the vendor" in config["suppressions"][0]["justification"]
    assert "app-team" in config["suppressions"][0]["justification"]

    below = [r for r in run["results"] if r["properties"]["status"] == "below-threshold"]
    assert below and all(r["properties"]["severity"] in ("medium", "low") for r in below)
    for r in below:
        assert r["suppressions"] == [
            {
                "kind": "external",
                "status": "accepted",
                "justification": "below --devops-policy-fail-on=high",
            }
        ]
    failing = [r for r in run["results"] if "suppressions" not in r]
    assert failing and all(r["properties"]["status"] == "failed" for r in failing)
    # at or above the threshold, or GHA-003 whose waiver expired (that fails at any severity)
    assert {
        r["ruleId"] for r in failing if r["properties"]["severity"] not in ("critical", "high")
    } == {"GHA-003"}
    # the unsuppressed results come first
    flags = ["suppressions" in r for r in run["results"]]
    assert flags == sorted(flags)
    assert run["properties"]["devopsPolicy"]["suppressedLeftOut"] == 0


def test_empty_run_is_valid(
    pytester: pytest.Pytester, validator: jsonschema.Draft4Validator
) -> None:
    pytester.makefile(".txt", notes="nothing to check here\n")
    doc, _ = _run(pytester)
    run = check(doc, validator)
    assert run["results"] == []


def test_clean_file_gives_rules_and_no_results(
    pytester: pytest.Pytester, validator: jsonschema.Draft4Validator
) -> None:
    pytester.makefile(".yaml", cm="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    doc, _ = _run(pytester)
    run = check(doc, validator)
    assert run["results"] == []
    assert any(r["id"].startswith("K8S-") for r in run["tool"]["driver"]["rules"])


def test_fingerprints_survive_inserted_lines(
    pytester: pytest.Pytester, validator: jsonschema.Draft4Validator
) -> None:
    make_repo(pytester.path)
    before, _ = _run(pytester, path="out/before.sarif")
    pad = "# a comment\n# another\n# and a third\n"
    (pytester.path / "Dockerfile").write_text(pad + DOCKERFILE, encoding="utf-8")
    (pytester.path / "k8s/web.yaml").write_text(pad + FILES["k8s/web.yaml"], encoding="utf-8")
    (pytester.path / "infra/main.tf").write_text(pad + FILES["infra/main.tf"], encoding="utf-8")
    after, _ = _run(pytester, path="out/after.sarif")

    def prints(doc: dict[str, Any]) -> dict[str, tuple[str, str, int]]:
        out = {}
        for r in check(doc, validator)["results"]:
            physical = r["locations"][0]["physicalLocation"]
            fp = r["partialFingerprints"][sarif.FINGERPRINT_KEY]
            uri = physical["artifactLocation"]["uri"]
            out[fp] = (r["ruleId"], uri, physical["region"]["startLine"])
        return out

    a, b = prints(before), prints(after)
    assert set(a) == set(b)
    moved = 0
    for fp, (rule_id, uri, line) in a.items():
        assert b[fp][:2] == (rule_id, uri)
        if uri in ("Dockerfile", "k8s/web.yaml", "infra/main.tf"):
            assert b[fp][2] == line + 3, (rule_id, uri)
            moved += 1
    assert moved > 10


def test_pyproject_path_is_relative_to_the_pyproject(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_repo(
        pytester.path,
        extra_pyproject='sarif = "reports/x.sarif"\nsarif_category = "iac"\n',
    )
    monkeypatch.chdir(pytester.path / "k8s")
    result = pytester.runpytest(*ONLY, str(pytester.path), "--rootdir", str(pytester.path))
    written = pytester.path / "reports" / "x.sarif"
    assert written.is_file(), result.stdout.str()[-2000:]
    assert not (pytester.path / "k8s" / "reports").exists()
    result.stdout.fnmatch_lines([f"devops-policy: wrote SARIF report {written} (* results)"])
    run = json.loads(written.read_text(encoding="utf-8"))["runs"][0]
    assert run["automationDetails"] == {"id": "iac/"}


def test_format_row() -> None:
    fmt = by_name("sarif")
    assert fmt.option == "--devops-policy-sarif" and not fmt.repeat
    assert fmt.writer() is sarif.write


# -- the writer on a built model -----------------------------------------------------------

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=dt.timezone.utc)
SEVERITIES = ("critical", "high", "medium", "low")


def _policy(pid: str, severity: str = "high", **kw: Any) -> PolicyInfo:
    return PolicyInfo(pid, pid.lower(), f"Title of {pid}", severity, "kubernetes", **kw)


def _results(items: list[ItemRecord], **kw: Any) -> RunResults:
    policies = {v.policy_id: _policy(v.policy_id, v.severity) for i in items for v in i.verdicts}
    policies = {k: v for k, v in policies.items() if not k.endswith("-ERROR")}
    settings = kw.pop("settings", ReportSettings())
    return RunResults(
        items=items,
        policies=kw.pop("policies", policies),
        waivers=[],
        files_scanned={"kubernetes": len(items)},
        settings=settings,
        root="/repo",
        started=NOW,
        finished=NOW + dt.timedelta(seconds=2),
        tool_version="1.2.3",
        **kw,
    )


def _item(n: int, severity: str, status: str = "failed", findings: int = 1) -> ItemRecord:
    pid = f"K8S-{n % 7:03d}"
    found = tuple(
        FindingRecord(10 + k, 3, 10 + k, 30, severity, f"finding {n}.{k}", f"{n:028x}{k:04x}")
        for k in range(findings)
    )
    verdict = VerdictRecord(pid, status, severity, 10, f"reason {n}", found)
    return ItemRecord(
        f"d/app{n}.yaml::Deployment/a{n}::{pid}",
        "kubernetes",
        f"Deployment/a{n}",
        f"d/app{n}.yaml",
        1,
        "failed",
        (verdict,),
    )


def _write(tmp_path: Path, results: RunResults) -> tuple[dict[str, Any], str]:
    path = tmp_path / "r.sarif"
    line = sarif.write(results, str(path))
    return json.loads(path.read_text(encoding="utf-8")), line


def test_driver_and_times(tmp_path: Path, validator: jsonschema.Draft4Validator) -> None:
    doc, line = _write(tmp_path, _results([_item(1, "high")]))
    run = check(doc, validator)
    driver = run["tool"]["driver"]
    assert driver["version"] == driver["semanticVersion"] == "1.2.3"
    assert run["invocations"][0]["startTimeUtc"] == "2026-01-02T03:04:05.678Z"
    assert run["invocations"][0]["endTimeUtc"] == "2026-01-02T03:04:07.678Z"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///repo/"
    assert line == f"devops-policy: wrote SARIF report {tmp_path / 'r.sarif'} (1 results)"


@pytest.mark.parametrize(
    ("category", "expected"),
    [("changed-files", "changed-files/"), ("iac/pr-12", "iac/pr-12"), ("iac/", "iac/")],
)
def test_category(tmp_path: Path, category: str, expected: str) -> None:
    settings = ReportSettings(sarif_category=category)
    doc, _ = _write(tmp_path, _results([_item(1, "high")], settings=settings))
    assert doc["runs"][0]["automationDetails"] == {"id": expected}


def test_levels_and_security_severity(
    tmp_path: Path, validator: jsonschema.Draft4Validator
) -> None:
    items = [_item(n, sev) for n, sev in enumerate(SEVERITIES)]
    policies = {f"K8S-{n:03d}": _policy(f"K8S-{n:03d}", sev) for n, sev in enumerate(SEVERITIES)}
    doc, _ = _write(tmp_path, _results(items, policies=policies))
    run = check(doc, validator)
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    got = {
        rules[f"K8S-{n:03d}"]["properties"]["security-severity"]: rules[f"K8S-{n:03d}"][
            "defaultConfiguration"
        ]["level"]
        for n in range(4)
    }
    assert got == {"9.5": "error", "8.0": "error", "5.5": "warning", "3.0": "note"}
    assert [r["level"] for r in run["results"]] == ["error", "error", "warning", "note"]


def test_rule_metadata(tmp_path: Path, validator: jsonschema.Draft4Validator) -> None:
    controls = tuple(f"CTRL-{i}" for i in range(40))
    policies = {
        "K8S-001": _policy(
            "K8S-001",
            references=("CIS 1.2.3", "https://example.org/k8s-001"),
            rationale="Because.",
            remediation="Do this.",
            controls=controls,
        ),
        "K8S-002": _policy("K8S-002", references=("kube-linter:run-as-non-root",)),
    }
    doc, _ = _write(tmp_path, _results([], policies=policies))
    run = check(doc, validator)
    one, two = run["tool"]["driver"]["rules"]
    assert one["helpUri"] == "https://example.org/k8s-001"
    assert "helpUri" not in two  # no URL among its references: none made up
    assert one["fullDescription"]["text"] == "Because."
    assert one["shortDescription"]["text"] == "Title of K8S-001"
    assert one["help"]["text"] == (
        "Title of K8S-001.\n\nWhy: Because.\n\nHow to fix: Do this.\n\n"
        "More: pytest --devops-policy-explain=K8S-001"
    )
    assert one["properties"]["tags"][:4] == ["kubernetes", "security", "high", "CTRL-0"]
    assert len(one["properties"]["tags"]) == sarif.MAX_TAGS
    assert one["properties"]["controls"] == list(controls)  # all of them, outside the tags


def test_bare_error_verdict_and_empty_message(
    tmp_path: Path, validator: jsonschema.Draft4Validator
) -> None:
    crash = VerdictRecord("K8S-001", "error", "high", 7, "policy crashed: KeyError 'x'")
    quiet = VerdictRecord(
        "K8S-002",
        "failed",
        "medium",
        3,
        "the reason",
        (FindingRecord(3, 1, 3, 9, "medium", "", "f" * 32),),
    )
    skipped = VerdictRecord("K8S-003", "skipped", "low", 1, "not applicable")
    unknown = VerdictRecord("K8S-004", "unknown", "low", 1, "var.cidr")
    item = ItemRecord(
        "a.yaml::x",
        "kubernetes",
        "x",
        "dir with space/a#1.yaml",
        1,
        "failed",
        (crash, quiet, skipped, unknown),
    )
    doc, _ = _write(tmp_path, _results([item]))
    run = check(doc, validator)
    first, second = run["results"]
    assert (
        first["ruleId"] == "K8S-001" and first["message"]["text"] == "policy crashed: KeyError 'x'"
    )
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 7, "startColumn": 1, "endLine": 7}  # to the line's end
    assert second["message"]["text"] == "the reason"
    uri = first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "dir%20with%20space/a%231.yaml"
    assert run["properties"]["devopsPolicy"]["verdicts"] == {
        "error": 1,
        "failed": 1,
        "skipped": 1,
        "unknown": 1,
    }


def test_internal_error_marks_the_execution(
    tmp_path: Path, validator: jsonschema.Draft4Validator
) -> None:
    verdict = VerdictRecord("INTERNAL-ERROR", "error", "high", 1, "analysis failed: boom")
    item = ItemRecord("a.tf::INTERNAL-ERROR", "terraform", "", "a.tf", 1, "failed", (verdict,))
    doc, _ = _write(tmp_path, _results([item]))
    run = check(doc, validator)
    assert run["invocations"][0]["executionSuccessful"] is False
    [rule] = run["tool"]["driver"]["rules"]
    assert rule["id"] == "INTERNAL-ERROR" and rule["properties"]["precision"] == "very-high"


def test_waiver_without_details(tmp_path: Path, validator: jsonschema.Draft4Validator) -> None:
    waiver = WaiverRecord("pyproject.toml:4", "accepted risk", "", "", "", "applied")
    finding = FindingRecord(2, 1, 2, 5, "high", "m", "a" * 32)
    verdict = VerdictRecord("K8S-001", "waived", "high", 2, "waived", (finding,), (waiver,))
    item = ItemRecord("a.yaml::x", "kubernetes", "x", "a.yaml", 1, "xfailed", (verdict,))
    settings = ReportSettings(include_suppressed=True)
    doc, _ = _write(tmp_path, _results([item], settings=settings))
    [result] = check(doc, validator)["results"]
    assert result["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "accepted risk; waiver at pyproject.toml:4",
        }
    ]
    doc, line = _write(tmp_path, _results([item]))
    assert doc["runs"][0]["results"] == []
    assert line.endswith("(0 results)")


def test_results_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, validator: jsonschema.Draft4Validator
) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 5)
    items = [_item(n, SEVERITIES[n % 4]) for n in range(12)]
    doc, line = _write(tmp_path, _results(items))
    run = check(doc, validator)
    assert len(run["results"]) == 5
    # the most severe kept: 3 critical, then 2 of the 3 high
    assert [r["properties"]["severity"] for r in run["results"]] == ["critical"] * 3 + ["high"] * 2
    assert "LEFT OUT the 7 least severe of 12 results" in line
    assert "GitHub code scanning rejects a run of more than 5 results" in line
    props = run["properties"]["devopsPolicy"]
    assert props["resultsLeftOut"] == 7 and "more than 5 results" in props["leftOutBecause"]


def test_gzip_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, validator: jsonschema.Draft4Validator
) -> None:
    items = [_item(n, SEVERITIES[n % 4], findings=20) for n in range(200)]
    results = _results(items)
    full = sarif.render(results)[0]
    limit = len(gzip.compress(full)) // 3
    monkeypatch.setattr(sarif, "MAX_GZIP_BYTES", limit)
    doc, line = _write(tmp_path, results)
    run = check(doc, validator)
    written = (tmp_path / "r.sarif").read_bytes()
    assert len(gzip.compress(written)) <= limit
    kept = len(run["results"])
    assert 0 < kept < 4000
    assert f"LEFT OUT the {4000 - kept:,} least severe of 4,000 results" in line
    assert f"over {limit:,} bytes gzipped" in line
    severities = [SEVERITIES.index(r["properties"]["severity"]) for r in run["results"]]
    assert severities == sorted(severities) and severities[0] == 0


def test_gzip_limit_below_the_rules_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sarif, "MAX_GZIP_BYTES", 50)
    doc, line = _write(tmp_path, _results([_item(1, "low")]))
    assert doc["runs"][0]["results"] == []
    assert "LEFT OUT the 1 least severe of 1 results" in line
    assert "even without results this file is" in line


def test_rules_limit_keeps_the_rules_of_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, validator: jsonschema.Draft4Validator
) -> None:
    monkeypatch.setattr(sarif, "MAX_RULES", 3)
    policies = {f"K8S-{n:03d}": _policy(f"K8S-{n:03d}") for n in range(10)}
    items = [_item(6, "high")]  # K8S-006
    doc, _ = _write(tmp_path, _results(items, policies=policies))
    run = check(doc, validator)
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(ids) == 3 and "K8S-006" in ids
