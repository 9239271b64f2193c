"""The XREF family in the pytest layer (catalog §9.1): a cross-artifact policy is an ordinary
policy of its anchor's kind (node ids, waivers, selection), with the marker ``xref`` and the
report kind ``cross-artifact`` for its verdicts, in both item models and under xdist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import parse_junit

from pytest_devops_policy.api import (
    CROSS_ARTIFACT,
    Severity,
    Violation,
    get_policy,
    is_cross_artifact,
    policy,
    report_kind,
)
from pytest_devops_policy.docs import render_index, render_page
from pytest_devops_policy.listing import render as render_list

NO_BUILTIN = ("-p", "no:devops_policy.builtin")

# Two XREF policies anchored on a GitHub Actions job and on a Kubernetes object, and one
# ordinary policy of each kind, so that an item of the resource model holds both families.
POLICIES = """
from pytest_devops_policy import policy, Severity, Violation

@policy(id="XREF-901", name="set-image-container-exists",
        title="kubectl set image names a container the Deployment has",
        severity=Severity.HIGH, rationale="kubectl fails on an unknown container.",
        remediation="Name the Deployment's container.")
def set_image_container_exists(job):
    for step in job.steps:
        if step.run and "set image" in step.run:
            yield Violation("job:deploy sets container app, deploy/web.yaml Deployment/web "
                            "has web-app", line=step.line)

@policy(id="XREF-902", name="image-is-built", title="The image a workload runs is built",
        severity=Severity.MEDIUM, rationale="An image nobody pushes cannot be pulled.",
        remediation="Push the image.")
def image_is_built(k8s_object):
    if k8s_object.name == "bad":
        yield Violation("Deployment/bad runs ghcr.io/acme/bad, no workflow pushes it")

@policy(id="ACME-001", name="missing-owner-label", title="Object has no owner label",
        severity=Severity.MEDIUM, rationale="Every object needs an owner to page.",
        remediation="Add metadata.labels.owner.")
def missing_owner_label(k8s_object):
    if "owner" not in k8s_object.labels:
        yield Violation("metadata.labels.owner is missing", path=("metadata", "labels"))

@policy(id="ACME-002", name="job-has-timeout", title="A job sets timeout-minutes",
        severity=Severity.LOW, rationale="Hung jobs burn six hours.",
        remediation="Set timeout-minutes.")
def job_has_timeout(job):
    if job.timeout_minutes is None:
        yield Violation("no timeout-minutes")

def pytest_devops_policy_add_policies(config):
    return [set_image_container_exists, image_is_built, missing_owner_label, job_has_timeout]
"""

WORKFLOW = """\
on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: kubectl set image deployment/web app=ghcr.io/acme/web:1
"""

DEPLOYMENTS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/bad:1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: good
  labels:
    owner: platform
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/good:1
"""

JOB = ".github/workflows/deploy.yml::job:deploy"
BAD, GOOD = "deploy/web.yaml::Deployment/bad", "deploy/web.yaml::Deployment/good"
# (node id, policy) -> status, the same in both item models
EXPECTED = {
    (JOB, "XREF-901"): "failed",
    (JOB, "ACME-002"): "failed",
    (BAD, "XREF-902"): "failed",
    (BAD, "ACME-001"): "failed",
    (GOOD, "XREF-902"): "passed",
    (GOOD, "ACME-001"): "passed",
}
XREF = {k for k in EXPECTED if k[1].startswith("XREF-")}


def _repo(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(POLICIES)
    wf = pytester.path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "deploy.yml").write_text(WORKFLOW)
    (pytester.path / "deploy").mkdir()
    (pytester.path / "deploy" / "web.yaml").write_text(DEPLOYMENTS)


def _run(pytester: pytest.Pytester, items: str, *args: str) -> tuple[Any, dict[str, Any]]:
    result = pytester.runpytest(
        *NO_BUILTIN,
        "--devops-policy-only",
        f"--devops-policy-items={items}",
        "--strict-markers",
        "--junitxml=out/junit.xml",
        "--devops-policy-json=out/report.json",
        "-rA",
        *args,
    )
    report = json.loads((pytester.path / "out" / "report.json").read_text())
    return result, report


def _verdicts(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(anchor node id, policy) -> the JSON result, whatever the item model."""
    out = {}
    for r in report["results"]:
        nodeid = r["nodeid"].removesuffix("::" + r["policy_id"])
        out[(nodeid, r["policy_id"])] = r
    return out


def test_one_helper_decides_the_family() -> None:
    @policy(
        id="XREF-901",
        name="x",
        title="t",
        severity="high",
        rationale="r",
        remediation="f",
    )
    def on_job(job):  # type: ignore[no-untyped-def]
        return ()

    p = get_policy(on_job)
    assert p is not None
    assert p.kind == "github-actions" and p.subject == "job"  # the anchor's kind
    assert is_cross_artifact(p) and is_cross_artifact("XREF-001")
    assert not is_cross_artifact("K8S-001") and not is_cross_artifact("XREFS-001")
    assert report_kind(p) == CROSS_ARTIFACT


@pytest.mark.parametrize("items", ["policy", "resource"])
def test_markers_junit_json_and_summary(pytester: pytest.Pytester, items: str) -> None:
    _repo(pytester)
    result, report = _run(pytester, items)
    verdicts = _verdicts(report)
    assert {k: v["status"] for k, v in verdicts.items()} == EXPECTED
    for key, r in verdicts.items():
        want = CROSS_ARTIFACT if key in XREF else None
        assert r["kind"] == (want or ("github-actions" if key[0] == JOB else "kubernetes")), key
    assert report["policies"]["XREF-901"]["kind"] == CROSS_ARTIFACT
    assert report["policies"]["ACME-001"]["kind"] == "kubernetes"
    cases = parse_junit(pytester.path / "out" / "junit.xml")
    props = {f"{c.classname}::{c.name}": c.properties for c in cases.values()}
    if items == "policy":
        xref_case = next(p for p in props.values() if p.get("policy_id") == "XREF-901")
        acme_case = next(p for p in props.values() if p.get("policy_id") == "ACME-002")
        assert xref_case["kind"] == CROSS_ARTIFACT
        assert xref_case["file"] == ".github/workflows/deploy.yml"  # the anchor
        assert acme_case["kind"] == "github-actions"
    else:
        job_case = next(p for p in props.values() if "XREF-901" in p)
        # the item is the anchor's; the verdict carries its own kind
        assert job_case["kind"] == "github-actions"
        assert job_case["XREF-901.kind"] == CROSS_ARTIFACT
        assert "ACME-002.kind" not in job_case
        bad = next(p for p in props.values() if p.get("resource") == "Deployment/bad")
        assert bad["kind"] == "kubernetes" and bad["XREF-902.kind"] == CROSS_ARTIFACT
    # failed: XREF-901, XREF-902 (cross-artifact), ACME-002, ACME-001
    result.stdout.fnmatch_lines(
        ["*failed by kind: cross-artifact 2 · github-actions 1 · kubernetes 1*"]
    )


@pytest.mark.parametrize("items", ["policy", "resource"])
@pytest.mark.parametrize(
    ("expr", "kept"),
    [("xref", XREF), ("not xref", set(EXPECTED) - XREF), ("xref and high", {(JOB, "XREF-901")})],
)
def test_m_xref_selects_verdicts(
    pytester: pytest.Pytester, items: str, expr: str, kept: set[tuple[str, str]]
) -> None:
    _repo(pytester)
    _, report = _run(pytester, items, "-m", expr)
    assert set(_verdicts(report)) == kept


@pytest.mark.parametrize("items", ["policy", "resource"])
def test_k_and_kind_markers_still_select(pytester: pytest.Pytester, items: str) -> None:
    _repo(pytester)
    _, report = _run(pytester, items, "-k", "xref")  # the marker is a keyword too
    assert set(_verdicts(report)) == XREF
    # The anchor's kind marker selects its XREF verdicts with the kind's own ones.
    _, report = _run(pytester, items, "-m", "github_actions")
    assert set(_verdicts(report)) == {(JOB, "XREF-901"), (JOB, "ACME-002")}


def test_xdist_resource_model_sarif_and_github_summary(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _repo(pytester)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result, report = _run(
        pytester,
        "resource",
        "-n",
        "2",
        "--devops-policy-sarif=out/r.sarif",
        "--devops-policy-controls-report=out/controls.json",
        "--devops-policy-github=on",
    )
    assert {k: v["status"] for k, v in _verdicts(report).items()} == EXPECTED
    assert _verdicts(report)[(JOB, "XREF-901")]["kind"] == CROSS_ARTIFACT
    result.stdout.fnmatch_lines(
        ["*failed by kind: cross-artifact 2 · github-actions 1 · kubernetes 1*"]
    )
    sarif = json.loads((pytester.path / "out" / "r.sarif").read_text())
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert CROSS_ARTIFACT in rules["XREF-901"]["properties"]["tags"]
    assert "kubernetes" in rules["ACME-001"]["properties"]["tags"]
    kinds = {r["ruleId"]: r["properties"]["kind"] for r in run["results"]}
    assert kinds["XREF-901"] == kinds["XREF-902"] == CROSS_ARTIFACT
    assert kinds["ACME-002"] == "github-actions"
    controls = json.loads((pytester.path / "out" / "controls.json").read_text())
    assert controls["policies"]["XREF-902"]["kind"] == CROSS_ARTIFACT
    text = summary.read_text()
    kind_table = text.split("### Failing by kind\n", 1)[1].split("\n\n", 1)[0]
    assert "| cross-artifact | 2 |" in kind_table


def test_waived_by_the_anchors_own_grammar(pytester: pytest.Pytester) -> None:
    _repo(pytester)
    web = pytester.path / "deploy" / "web.yaml"
    web.write_text(
        web.read_text().replace(
            "  name: bad\n",
            "  name: bad\n  annotations:\n"
            '    devops-policy.io/ignore: "XREF-902"\n'
            '    devops-policy.io/ignore-reason: "pushed by the release repo"\n',
            1,
        )
    )
    _, report = _run(pytester, "policy", "-m", "xref")
    assert _verdicts(report)[(BAD, "XREF-902")]["status"] == "waived"


def test_list_and_select_by_prefix(pytester: pytest.Pytester) -> None:
    _repo(pytester)
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-list")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "XREF-901 *set-image-container-exists*high*cross-artifact (github-actions)*",
            "XREF-902 *image-is-built*medium*cross-artifact (kubernetes)*",
            "4 policies (cross-artifact 2, github-actions 1, kubernetes 1)",
        ]
    )
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-list", "--devops-policy-select=XREF")
    out = result.stdout.str()
    assert "XREF-901" in out and "XREF-902" in out and "ACME-00" not in out
    _, report = _run(pytester, "policy", "--devops-policy-select=XREF")
    assert set(_verdicts(report)) == XREF


def _xref_policy() -> Any:
    @policy(
        id="XREF-901",
        name="deploy-target-exists",
        title="A deploy step targets an object and container the manifests define",
        severity=Severity.HIGH,
        rationale="kubectl fails on a container the Deployment does not have.",
        remediation="Name the Deployment's container in kubectl set image.",
    )
    def deploy_target_exists(job):  # type: ignore[no-untyped-def]
        yield Violation("x")

    return get_policy(deploy_target_exists)


def _plain_policy() -> Any:
    @policy(
        id="ACME-001",
        name="missing-owner-label",
        title="Object has no owner label",
        severity=Severity.MEDIUM,
        rationale="Every object needs an owner to page.",
        remediation="Add metadata.labels.owner.",
    )
    def missing_owner_label(k8s_object):  # type: ignore[no-untyped-def]
        return ()

    return get_policy(missing_owner_label)


def test_docs_page_and_index_section() -> None:
    xref, plain = _xref_policy(), _plain_policy()
    page = render_page(xref)
    assert (
        "- **Kind:** Cross-artifact (anchored on GitHub Actions; pytest markers `xref` and "
        "`github_actions`)" in page
    )
    # node ids and the inline waiver are the anchor kind's
    assert "`.github/workflows/<file>.yml::job:<job-id>::XREF-901`" in page
    assert "# devops-policy: ignore[XREF-901]" in page
    assert "- **Kind:** Kubernetes" in render_page(plain)
    index = render_index([xref, plain])
    assert "2 policies (Cross-artifact 1, Kubernetes 1)." in index
    head, _, section = index.partition("## Cross-artifact\n")
    assert "ACME-001" in head and "XREF-901" not in head
    assert "| [XREF-901](XREF-901.md) | deploy-target-exists | high | GitHub Actions |" in section
    assert "## Cross-artifact" not in render_index([plain])  # no section without XREF


def test_docs_main_renders_an_xref_page(tmp_path: Path) -> None:
    from pytest_devops_policy.docs import expected_pages

    pages = expected_pages([_xref_policy(), _plain_policy()])
    assert "Cross-artifact (anchored on GitHub Actions" in pages["XREF-901.md"]
    assert "## Cross-artifact" in pages["README.md"]


def test_list_render_counts_the_family() -> None:
    text = render_list([_xref_policy(), _plain_policy()], 2, False)
    assert "cross-artifact (github-actions)" in text
    assert "2 policies (cross-artifact 1, kubernetes 1)" in text


@pytest.mark.parametrize("items", ["policy", "resource"])
def test_a_directory_named_xref_is_a_keyword_of_all_its_verdicts(
    pytester: pytest.Pytester, items: str
) -> None:
    _repo(pytester)
    (pytester.path / "deploy").rename(pytester.path / "xref")
    _, report = _run(pytester, items, "-k", "xref")
    kept = {(n.replace("deploy/", "xref/", 1), p) for n, p in EXPECTED if n != JOB}
    assert set(_verdicts(report)) == kept | {(JOB, "XREF-901")}
