"""Waivers (inline, annotation, config; reasons, expiry, unused) and JUnit compliance properties."""

from __future__ import annotations

import pytest
from conftest import DEPLOYMENT, OWNER_POLICY, parse_junit

NO_BUILTIN = ("-p", "no:devops_policy.builtin")


def _write(pytester: pytest.Pytester, name: str, text: str) -> None:
    p = pytester.path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


def _deploy_with_comment(comment: str, where: str = "above") -> str:
    doc = DEPLOYMENT.format(name="web")
    if where == "above":
        return comment + "\n" + doc
    return doc.replace("kind: Deployment", f"kind: Deployment  {comment}", 1)


@pytest.mark.parametrize("where", ["above", "same-line"])
def test_inline_waiver_xfails_with_reason_owner_expiry(
    pytester: pytest.Pytester, where: str, xdist_args: list[str]
) -> None:
    pytester.makeconftest(OWNER_POLICY)
    comment = (
        '# devops-policy: ignore[ACME-001] reason="legacy, tracked in OPS-12" '
        "expires=2999-12-31 owner=platform-team"
    )
    _write(pytester, "web.yaml", _deploy_with_comment(comment, where))
    junit = pytester.path / "out.xml"
    result = pytester.runpytest(
        *NO_BUILTIN,
        "--devops-policy",
        *xdist_args,
        "-rx",
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit1",
    )
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "waivers: 1 used, 0 expired, 0 unused",
            '  used: ACME-001 reason="legacy, tracked in OPS-12" owner=platform-team '
            "expires=2999-12-31 (web.yaml:*)",
            '*waived by web.yaml:* (reason="legacy, tracked in OPS-12" owner=platform-team '
            "expires=2999-12-31)*",
        ]
    )
    (case,) = parse_junit(junit).values()
    assert case.properties["waiver_reason"] == "legacy, tracked in OPS-12"
    assert case.properties["waiver_expires"] == "2999-12-31"
    assert case.properties["waiver_owner"] == "platform-team"
    assert case.outcome == "skipped"


def test_waiver_without_reason_does_not_waive_and_is_reported(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _write(pytester, "web.yaml", _deploy_with_comment("# devops-policy: ignore[ACME-001]"))
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-q")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*WAIVER-INVALID [[]medium[]]: waiver ACME-001 has no reason*",
            "  --> web.yaml:1",
        ]
    )


def test_expired_waiver_fails_with_date(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _write(
        pytester,
        "web.yaml",
        _deploy_with_comment(
            '# devops-policy: ignore[ACME-001] reason="temporary" expires=2020-01-31'
        ),
    )
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-q")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*note: waiver expired on 2020-01-31*", "waivers: 0 used, 1 expired, 0 unused"]
    )


def test_annotation_waiver(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    doc = DEPLOYMENT.format(name="web").replace(
        "  labels:\n",
        '  annotations:\n    devops-policy.io/ignore: "ACME-001"\n'
        '    devops-policy.io/ignore-reason: "owned by the vendor chart"\n  labels:\n',
        1,
    )
    _write(pytester, "web.yaml", doc)
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-rx")
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines(["*owned by the vendor chart*"])


def test_config_waiver_path_and_resource(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _write(pytester, "deploy/a.yaml", DEPLOYMENT.format(name="a"))
    _write(pytester, "deploy/b.yaml", DEPLOYMENT.format(name="b"))
    pytester.makepyprojecttoml(
        """
        [tool.devops-policy]

        [[tool.devops-policy.waivers]]
        policy = "ACME"
        path = "deploy/*.yaml"
        resource = "Deployment/a"
        reason = "migrating in Q3"
        owner = "team-a"
        ticket = "OPS-7"
        """
    )
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-q")
    result.assert_outcomes(failed=1, xfailed=1)


def test_config_waiver_without_reason_is_a_failing_item(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _write(pytester, "a.yaml", DEPLOYMENT.format(name="a"))
    pytester.makepyprojecttoml(
        """
        [tool.devops-policy]

        [[tool.devops-policy.waivers]]
        policy = "ACME-001"
        path = "*.yaml"
        """
    )
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-q")
    result.assert_outcomes(failed=2)
    text = (pytester.path / "pyproject.toml").read_text().splitlines()
    header = next(i for i, line in enumerate(text, 1) if "[[tool.devops-policy.waivers]]" in line)
    result.stdout.fnmatch_lines(
        ["*WAIVER-INVALID*has no reason*", f"  --> pyproject.toml:{header}"]
    )


def test_unused_waivers_listed_and_strict_fails(
    pytester: pytest.Pytester, xdist_args: list[str]
) -> None:
    pytester.makeconftest(OWNER_POLICY)
    doc = DEPLOYMENT.format(name="web").replace("    app: web\n", "    app: web\n    owner: a\n", 1)
    _write(pytester, "web.yaml", '# devops-policy: ignore[ACME-001] reason="stale"\n' + doc)
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", *xdist_args)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["waivers: 0 used, 0 expired, 1 unused", '  unused: ACME-001 reason="stale" (web.yaml:1)']
    )
    assert result.ret == 0
    strict = pytester.runpytest(
        *NO_BUILTIN, "--devops-policy", *xdist_args, "--devops-policy-strict-waivers"
    )
    assert strict.ret == pytest.ExitCode.TESTS_FAILED


def test_junit_properties_on_every_testcase(
    pytester: pytest.Pytester, xdist_args: list[str]
) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _write(pytester, "deploy/web.yaml", DEPLOYMENT.format(name="web"))
    junit = pytester.path / "out.xml"
    pytester.runpytest(
        *NO_BUILTIN,
        "--devops-policy",
        *xdist_args,
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit1",
    )
    (case,) = parse_junit(junit).values()
    assert case.properties == {
        "policy_id": "ACME-001",
        "policy_name": "missing-owner-label",
        "severity": "medium",
        "kind": "kubernetes",
        "resource": "Deployment/web",
        "file": "deploy/web.yaml",
        "line": "5",
        "controls": "",
    }
    assert case.outcome == "failed"
    assert "metadata.labels.owner is missing" in case.message


def test_builtin_controls_in_junit_and_secret_never_printed(
    pytester: pytest.Pytester, xdist_args: list[str]
) -> None:
    secret = "s3cr3t-Very-L0ng-Value-9f8e7d6c"
    _write(
        pytester,
        "Dockerfile",
        f"FROM python:3.12-slim\nENV API_TOKEN={secret}\nUSER 10001\n"
        'HEALTHCHECK CMD ["true"]\nCMD ["python"]\n',
    )
    junit = pytester.path / "out.xml"
    result = pytester.runpytest(
        "--devops-policy",
        *xdist_args,
        "-rA",
        "-v",
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit1",
    )
    result.stdout.fnmatch_lines(["*DOCKER-006*API_TOKEN*"])
    assert secret not in result.stdout.str()
    xml = junit.read_text()
    assert secret not in xml
    cases = parse_junit(junit)
    docker006 = next(c for c in cases.values() if c.properties["policy_id"] == "DOCKER-006")
    assert docker006.properties["severity"] == "critical"
    assert docker006.properties["line"] == "2"
    for case in cases.values():
        for key in (
            "policy_id",
            "policy_name",
            "severity",
            "kind",
            "resource",
            "file",
            "line",
            "controls",
        ):
            assert key in case.properties
