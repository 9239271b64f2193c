"""The JSON report (issue 19, point 2) and the result model every format reads.

The report must agree with the JUnit XML of the same run, validate against its shipped
schema, be written once under xdist, mask secrets, keep fingerprints across line moves, and
turn a user's mistakes into one usage error.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import parse_junit
from report_repo import SECRET, make_repo

from pytest_devops_policy.fingerprint import finding_key, normalise

SCHEMA = json.loads(
    resources.files("pytest_devops_policy").joinpath("data/report.schema.json").read_text()
)
BASE = ("--devops-policy-only", "-p", "no:randomly")


def _run(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, Any]]:
    result = pytester.runpytest(*BASE, "--devops-policy-json=out/report.json", *args)
    doc = json.loads((pytester.path / "out/report.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, SCHEMA)
    return result, doc


@pytest.mark.parametrize("model", ["policy", "resource"])
def test_report_agrees_with_junit(
    pytester: pytest.Pytester, model: str, xdist_args: list[str]
) -> None:
    make_repo(pytester.path)
    result, doc = _run(
        pytester,
        f"--devops-policy-items={model}",
        "--junitxml=out/junit.xml",
        "-o",
        "junit_family=xunit1",
        *xdist_args,
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["devops-policy: wrote JSON report out/report.json (* results)"])
    cases = parse_junit(pytester.path / "out/junit.xml")
    from_junit: dict[tuple[str, str], str] = {}
    for case in cases.values():
        props = case.properties
        if "policy_id" in props:  # one verdict per testcase
            status = {"failed": "failed", "passed": "passed"}.get(case.outcome, "?")
            if case.outcome == "skipped":
                status = "waived" if "waiver_status" in props else "skipped-or-unknown"
            from_junit[(props["file"], props["policy_id"] + "@" + props["resource"])] = status
        else:  # a resource item: one property per verdict
            for key, value in props.items():
                if "." not in key and key not in ("resource", "kind", "file", "line"):
                    from_junit[(props["file"], key + "@" + props["resource"])] = value
    from_json = {
        (r["file"], r["policy_id"] + "@" + r["resource"]): r["status"] for r in doc["results"]
    }
    assert from_json.keys() == from_junit.keys()
    for key, status in from_json.items():
        expected = from_junit[key]
        if expected == "skipped-or-unknown":
            assert status in ("unknown", "skipped", "below-threshold"), key
        else:
            assert status == expected, key
    assert doc["summary"]["results"] == len(doc["results"])
    assert doc["summary"]["items"] == len(cases)


def test_report_content(pytester: pytest.Pytester) -> None:
    make_repo(pytester.path)
    _, doc = _run(pytester)
    by = {(r["file"], r["policy_id"]): r for r in doc["results"]}
    waived = by[("k8s/web.yaml", "K8S-001")]
    assert waived["status"] == "waived"
    assert waived["waiver"]["reason"] == "vendor image runs as root, OPS-12"
    assert waived["waiver"]["owner"] == "platform-team"
    assert waived["waiver"]["expires"] == "2999-12-31"
    assert waived["nodeid"] == "k8s/web.yaml::Deployment/web::K8S-001"
    assert waived["findings"] and waived["controls"]
    expired = by[(".github/workflows/ci.yml", "GHA-003")]
    assert expired["status"] == "failed"
    assert [w["status"] for w in expired["expired_waivers"]] == ["expired"]
    parse = by[("k8s/broken.yaml", "PARSE-ERROR")]
    assert parse["status"] == "failed" and parse["line"] >= 1
    assert "cannot parse k8s/broken.yaml" in parse["messages"][0]
    assert "PARSE-ERROR" in doc["policies"]
    tf = by[("infra/main.tf", "TF-006")]
    finding = tf["findings"][0]
    assert (finding["line"], finding["end_line"]) == (tf["line"], tf["line"])
    assert finding["end_column"] > finding["column"] >= 1
    statuses = {w["source"]: w["status"] for w in doc["waivers"]}
    assert sorted(statuses.values()) == ["expired", "used", "used"]
    assert doc["run"]["files_scanned"]["kubernetes"] == 2
    assert doc["run"]["full_run"] is True
    assert doc["policies"]["K8S-001"]["controls"]


def test_no_secret_in_the_report(pytester: pytest.Pytester) -> None:
    make_repo(pytester.path)
    _run(pytester, "-n", "2")
    text = (pytester.path / "out/report.json").read_text(encoding="utf-8")
    assert "DOCKER-006" in text and "SECRET-009" in text
    assert SECRET not in text
    assert SECRET[-12:] not in text


def test_fingerprints_survive_lines_inserted_above(pytester: pytest.Pytester) -> None:
    make_repo(pytester.path)
    _, before = _run(pytester)
    tf = pytester.path / "infra/main.tf"
    tf.write_text("# a comment\n\n\n" + tf.read_text(encoding="utf-8"), encoding="utf-8")
    docker = pytester.path / "Dockerfile"
    docker.write_text("# the app image\n\n" + docker.read_text(), encoding="utf-8")
    _, after = _run(pytester)

    def prints(doc: dict[str, Any], path: str) -> dict[str, int]:
        return {
            f["fingerprint"]: f["line"]
            for r in doc["results"]
            if r["file"] == path
            for f in r["findings"]
        }

    for path, moved in (("infra/main.tf", 3), ("Dockerfile", 2)):
        old, new = prints(before, path), prints(after, path)
        assert old and old.keys() == new.keys(), path
        assert all(new[k] == old[k] + moved for k in old), path


def test_fingerprint_key() -> None:
    assert normalise("RUN x (line 12) and lines 3-5 at a.tf:30:4") == "RUN x (#) and # at a.tf#"
    a = finding_key("TF-006", "infra/main.tf", "aws_security_group.admin", "port 22 (line 9)")
    b = finding_key("TF-006", "infra/main.tf", "aws_security_group.admin", "port 22 (line 12)")
    c = finding_key("TF-006", "other/main.tf", "aws_security_group.admin", "port 22 (line 9)")
    assert a == b != c
    assert finding_key("S", "f", "r", "m", "one") != finding_key("S", "f", "r", "m", "two")


def test_pyproject_key_is_relative_to_the_pyproject(pytester: pytest.Pytester) -> None:
    make_repo(pytester.path, 'json = "reports/policy.json"\n')
    sub = pytester.path / "elsewhere"
    sub.mkdir()
    result = pytester.runpytest(*BASE, "--rootdir", str(pytester.path), str(pytester.path))
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    doc = json.loads((pytester.path / "reports/policy.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, SCHEMA)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("json = 3", "*json must be a path, not 3*"),
        ('github = "sometimes"', "*github must be one of auto, on, off*"),
        ("report_suppressed = 1", "*report_suppressed must be true or false*"),
        ('jsn = "x.json"', "*jsn is not a setting; did you mean 'json'?*"),
    ],
)
def test_bad_settings_are_one_usage_error(
    pytester: pytest.Pytester, setting: str, message: str
) -> None:
    make_repo(pytester.path, setting + "\n")
    result = pytester.runpytest(*BASE)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stderr.str()


def test_unwritable_report_is_an_error_not_silence(pytester: pytest.Pytester) -> None:
    make_repo(pytester.path)
    (pytester.path / "blocker").write_text("a file, not a directory")
    result = pytester.runpytest(*BASE, "--devops-policy-json=blocker/report.json")
    result.stdout.fnmatch_lines(["ERROR: devops-policy: cannot write the json report *"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # the findings still fail the run
    clean = pytester.path / "clean"
    clean.mkdir()
    (clean / "conftest.py").write_text("")
    result = pytester.runpytest(*BASE, str(clean), "--devops-policy-json=blocker/report.json")
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR


def test_nothing_is_recorded_without_a_report(pytester: pytest.Pytester) -> None:
    """Items pay for records only when a report is asked for."""
    pytester.makeconftest(
        """
        import pytest
        from pytest_devops_policy.plugin import STATE_KEY

        @pytest.hookimpl(trylast=True)
        def pytest_sessionfinish(session):
            state = session.config.stash[STATE_KEY]
            print("PENDING", state.pending)
        """
    )
    make_repo(pytester.path)
    result = pytester.runpytest(*BASE, "-s")
    result.stdout.fnmatch_lines(["*PENDING None*"])
    result = pytester.runpytest(*BASE, "-s", "--devops-policy-json=out/r.json")
    result.stdout.fnmatch_lines(["*PENDING {}*"])  # every record was taken by its report


def test_empty_run_writes_a_valid_report(pytester: pytest.Pytester) -> None:
    (pytester.path / "README.md").write_text("nothing to check\n")
    result, doc = _run(pytester)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert doc["results"] == [] and doc["summary"]["items"] == 0


def test_schema_ships_with_the_package() -> None:
    path = Path(str(resources.files("pytest_devops_policy").joinpath("data/report.schema.json")))
    assert path.is_file()
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
