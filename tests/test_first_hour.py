"""Regressions for what a new user hit in the first hour (issue 13), one test (or more) per item.

Items owned by other modules have their tests beside them: the Kubernetes grouping
(test_k8s_index.py), Dockerfiles (test_dockerfile_format.py, golden cases) and YAML loading
(test_yaml_loading.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from conftest import parse_junit

RUN = ("--devops-policy-only", "-p", "no:devops_policy.builtin")

# A critical policy whose findings say how severe each one is.
MIXED_SEVERITY = """
from pytest_devops_policy import policy, Severity, Violation

@policy(id="ACME-002", name="mixed", title="Findings with their own severity",
        severity=Severity.CRITICAL, rationale="Some findings matter less than others.",
        remediation="Fix them.")
def mixed(k8s_object):
    for c in k8s_object.containers():
        yield Violation(f"container {c.name!r} is odd", path=c.at("image"),
                        severity=Severity.MEDIUM)

def pytest_devops_policy_add_policies(config):
    return [mixed]
"""

TWO_CONTAINERS = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: a
      image: nginx:1.27
    - name: b
      image: nginx:1.27
"""


# -- 2. one item, one severity -----------------------------------------------------------------


def test_an_item_has_the_severity_of_what_it_reports(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(MIXED_SEVERITY)
    pytester.makefile(".yaml", pod=TWO_CONTAINERS)
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest(*RUN, f"--junitxml={junit}", "-rf")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ACME-002 mixed [[]medium[]]: container 'a' is odd*"])
    result.stdout.fnmatch_lines(["*failed by severity: medium 1*"])
    (case,) = parse_junit(junit).values()
    assert case.properties["severity"] == "medium"
    # selected by the severity it reports, not by the policy's default
    pytester.runpytest(*RUN, "-m", "medium").assert_outcomes(failed=1)
    pytester.runpytest(*RUN, "-m", "critical").assert_outcomes()
    # the threshold judges the same value, and JUnit still says medium
    below = pytester.runpytest(*RUN, "--devops-policy-fail-on=high", f"--junitxml={junit}")
    below.assert_outcomes(xfailed=1)
    (case,) = parse_junit(junit).values()
    assert case.properties["severity"] == "medium"


def test_a_passing_item_has_its_policys_severity(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(MIXED_SEVERITY)
    pytester.makefile(".yaml", pod="apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec: {}\n")
    pytester.runpytest(*RUN, "-m", "critical").assert_outcomes(passed=1)


def _testcase(path: object) -> ET.Element:
    root = ET.parse(str(path)).getroot()
    (tc,) = list(root.iter("testcase"))
    return tc


# -- 9. a typo in a selection is a usage error -------------------------------------------------


@pytest.mark.parametrize(
    ("option", "spec", "hint"),
    [
        ("--devops-policy-select", "K8S-999", None),
        ("--devops-policy-ignore", "K8S-0011", "K8S-011"),
        ("--devops-policy-select", "run-as-nonroot", "run-as-non-root"),
    ],
)
def test_a_selection_that_matches_nothing_is_a_usage_error(
    pytester: pytest.Pytester, option: str, spec: str, hint: str | None
) -> None:
    pytester.makefile(".yaml", pod=TWO_CONTAINERS)
    result = pytester.runpytest("--devops-policy-only", f"{option}={spec}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    line = f"*{option}: '{spec}' matches no policy*"
    result.stderr.fnmatch_lines([line + (f"did you mean '{hint}'?*" if hint else "")])


def test_prefixes_names_and_conftest_policies_select(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(MIXED_SEVERITY)
    pytester.makefile(".yaml", pod=TWO_CONTAINERS)
    for spec in ("K8S", "K8S-00", "run-as-non-root", "ACME-002", "mixed"):
        result = pytester.runpytest("--devops-policy-only", f"--devops-policy-select={spec}")
        assert result.ret in (0, 1), (spec, result.stderr.str())


# -- 17. both spellings of a kind select its items ---------------------------------------------

WORKFLOW = """\
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
"""


@pytest.mark.parametrize("marker", ["github_actions", "github-actions"])
def test_the_kind_marker_takes_both_spellings(pytester: pytest.Pytester, marker: str) -> None:
    (pytester.path / ".github" / "workflows").mkdir(parents=True)
    (pytester.path / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    pytester.makefile(".yaml", pod=TWO_CONTAINERS)
    result = pytester.runpytest(
        "--devops-policy-only", "--strict-markers", "-m", marker, "--co", "-q"
    )
    assert result.ret == 0
    ids = [line for line in result.stdout.lines if "::" in line]
    # The workflow's items and the repository's (repo-level GHA policies), nothing else.
    github = (".github/workflows/ci.yml::", ".github::repository")
    assert ids and all(line.startswith(github) for line in ids)


# -- 15. JUnit: one line number, the ticket, no absolute paths ---------------------------------


def test_junit_line_attribute_and_property_agree(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(MIXED_SEVERITY)
    pytester.makefile(".yaml", pod=TWO_CONTAINERS)
    junit = pytester.path / "junit.xml"
    pytester.runpytest(*RUN, f"--junitxml={junit}", "-o", "junit_family=xunit1")
    tc = _testcase(junit)
    props = {p.get("name"): p.get("value") for p in tc.iter("property")}
    assert tc.get("line") == props["line"] == "8"  # the image of container 'a'
    assert tc.get("file") == props["file"] == "pod.yaml"


def test_junit_waiver_ticket_and_relative_skip_bodies(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        """
        [[tool.devops-policy.waivers]]
        policy = "DOCKER-003"
        path = "Dockerfile"
        reason = "tracks latest on purpose"
        ticket = "SEC-42"
        """
    )
    pytester.makefile("", Dockerfile="FROM python:latest\nUSER 10001\n")
    pytester.makefile(".tf", main='resource "aws_s3_bucket" "b" {\n  acl = var.acl\n}\n')
    junit = pytester.path / "junit.xml"
    pytester.runpytest("--devops-policy-only", f"--junitxml={junit}")
    text = junit.read_text()
    cases = parse_junit(junit)
    assert any(c.outcome == "skipped" and "\nDockerfile:1: " in c.message for c in cases.values())
    assert str(pytester.path) not in text
    waived = next(c for c in cases.values() if c.properties.get("policy_id") == "DOCKER-003")
    assert waived.properties["waiver_ticket"] == "SEC-42"


# -- 11/12. output a user can read: --tb honoured, why/fix once per policy ---------------------

TWO_PODS = TWO_CONTAINERS + "---\n" + TWO_CONTAINERS.replace("name: web", "name: api")


def test_why_and_fix_once_per_policy_by_default(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(MIXED_SEVERITY)
    pytester.makefile(".yaml", pods=TWO_PODS)
    result = pytester.runpytest(*RUN)
    result.assert_outcomes(failed=2)
    out = result.stdout.str()
    assert out.count("  why: Some findings matter less than others.") == 1
    assert out.count("  fix: Fix them.") == 1
    assert "see: pytest --devops-policy-explain=ACME-002 (why and how to fix)" in out


def test_tb_short_has_findings_and_no_explanation(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(MIXED_SEVERITY)
    pytester.makefile(".yaml", pods=TWO_PODS)
    out = pytester.runpytest(*RUN, "--tb=short").stdout.str().split("short test summary")[0]
    assert out.count("ACME-002 mixed [medium]: container 'a' is odd") == 2
    assert "  --> pods.yaml:8:7" in out and "why:" not in out


def test_tb_line_is_one_line_per_finding(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(MIXED_SEVERITY)
    pytester.makefile(".yaml", pods=TWO_PODS)
    result = pytester.runpytest(*RUN, "--tb=line", "-p", "no:randomly")
    found = [line for line in result.stdout.lines if line.startswith("pods.yaml:")]
    assert found == [
        "pods.yaml:8:7: ACME-002 [medium] container 'a' is odd",
        "pods.yaml:10:7: ACME-002 [medium] container 'b' is odd",
        "pods.yaml:19:7: ACME-002 [medium] container 'a' is odd",
        "pods.yaml:21:7: ACME-002 [medium] container 'b' is odd",
    ]
    assert "why:" not in result.stdout.str()


def test_tb_no_prints_no_failure_text(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(MIXED_SEVERITY)
    pytester.makefile(".yaml", pods=TWO_PODS)
    out = pytester.runpytest(*RUN, "--tb=no").stdout.str()
    assert "is odd" not in out.split("short test summary")[0]


# -- 13. the summary says what was scanned, and what no policy looked at ----------------------


def test_summary_counts_files_per_kind_and_names_unjudged_ones(
    pytester: pytest.Pytester, xdist_args: list[str]
) -> None:
    pytester.makefile(".yaml", pod=TWO_CONTAINERS, values="replicaCount: 2\n")
    (pytester.path / "infra").mkdir()
    # A resource type no policy judges (the Terraform baseline covers GKE clusters now).
    (pytester.path / "infra" / "gke.tf").write_text(
        'resource "random_pet" "main" {\n  length = 2\n}\n'
    )
    # (the SECRET policies read every file: left out, so a file no policy judges shows)
    result = pytester.runpytest(
        "--devops-policy-only", "--devops-policy-ignore=SECRET", *xdist_args
    )
    result.stdout.fnmatch_lines(
        [
            "files scanned: kubernetes 1 · terraform 1",
            "  terraform: 1 file(s) no policy applied to: infra/gke.tf",
        ]
    )


# -- 9/10. mistakes in the configuration are one usage error at start-up ----------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[tool.devops-policy]\nignroe = ["K8S-001"]\n', "ignroe is not a setting; did you mean"),
        ('[tool.devops-policy]\nfailon = "high"\n', "failon is not a setting; did you mean"),
        (
            '[tool.devops-policy.docker]\nhealthcheck = "of"\n',
            "docker.healthcheck must be required or off, not 'of'",
        ),
    ],
)
def test_configuration_mistakes_are_usage_errors(
    pytester: pytest.Pytester, body: str, message: str
) -> None:
    pytester.makepyprojecttoml(body)
    pytester.makefile("", Dockerfile="FROM python:3.12\n")
    result = pytester.runpytest("--devops-policy-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


# -- 18. a waiver on an enclosing entry covers what is inside it -------------------------------

REDIS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
spec:
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          livenessProbe:
            httpGet: {path: /, port: 80}
            periodSeconds: 1
            failureThreshold: 1
        # devops-policy: ignore[K8S-013] reason="redis restarts fast" owner=sre
        - name: redis
          image: redis:7.2
          livenessProbe:
            tcpSocket: {port: 6379}
            periodSeconds: 1
            failureThreshold: 1
"""


def test_a_waiver_above_a_container_covers_findings_inside_it(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", deploy=REDIS)
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-select=K8S-013", "-rfx")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    # web's probe still fails; redis's finding (at its livenessProbe line) is waived
    assert "containers[web]" in out or "'web'" in out
    assert "1 other finding(s) waived by deploy.yaml:19" in out
