"""The two item models: ``resource`` (the default, one item per resource) and ``policy``
(one item per resource and policy) judge the same verdicts; selection narrows verdicts."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# A Deployment that fails several policies, and one that waives K8S-002 and K8S-004.
INSECURE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:latest
          securityContext:
            privileged: true
"""


@pytest.fixture(autouse=True)
def _default_model(monkeypatch: pytest.MonkeyPatch) -> None:
    # conftest.py makes the rest of the suite use the policy model; these tests do not.
    monkeypatch.delenv("DEVOPS_POLICY_ITEMS", raising=False)


def _write(pytester: pytest.Pytester, path: str, text: str) -> None:
    p = pytester.path / path
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


def _summary_items(lines: list[str]) -> str:
    (line,) = [x for x in lines if x.startswith("items: ")]
    return line


def test_default_is_one_item_per_resource(pytester: pytest.Pytester) -> None:
    _write(pytester, "k8s/web.yaml", INSECURE)
    result = pytester.runpytest(
        "--devops-policy-only", "--devops-policy-ignore=SECRET", "--co", "-q"
    )
    result.stdout.fnmatch_lines(["k8s/web.yaml::Deployment/web", "1 test collected*"])
    result = pytester.runpytest(
        "--devops-policy-only",
        "--devops-policy-ignore=SECRET",
        "--devops-policy-items=policy",
        "--co",
    )
    assert "k8s/web.yaml::Deployment/web::K8S-002" in result.stdout.str() or (
        "<PolicyItem K8S-002>" in result.stdout.str()
    )


def test_both_models_judge_the_same_verdicts(pytester: pytest.Pytester) -> None:
    shutil.copytree(EXAMPLES, pytester.path / "examples")
    runs = {
        model: pytester.runpytest(
            "--devops-policy-only",
            "--devops-policy-ignore=SECRET",
            f"--devops-policy-items={model}",
            "examples",
            "-p",
            "xdist",
        )
        for model in ("resource", "policy")
    }
    assert _summary_items(runs["resource"].outlines) == _summary_items(runs["policy"].outlines)
    outcomes = runs["resource"].parseoutcomes()
    assert outcomes["failed"] < runs["policy"].parseoutcomes()["failed"]


def test_a_failing_resource_lists_each_failing_policy(pytester: pytest.Pytester) -> None:
    _write(pytester, "web.yaml", INSECURE)
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-ignore=SECRET", "-rf")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    for pid in ("K8S-001", "K8S-002", "K8S-012"):
        assert re.search(rf"^{pid} \S+ \[\w+\]: ", text, re.M), pid
    # the crash line (``-rf``, JUnit message) names the most severe and counts the rest
    result.stdout.fnmatch_lines(["FAILED web.yaml::Deployment/web - K8S-002 *"])
    assert "more: " in text


@pytest.mark.parametrize(
    ("expr", "present", "absent"),
    [
        ("K8S-002", {"K8S-002"}, {"K8S-001", "K8S-012"}),
        ("not K8S-002 and web", {"K8S-001", "K8S-012"}, {"K8S-002"}),
        ("no-privileged-containers", {"K8S-002"}, {"K8S-001"}),
    ],
)
def test_k_selects_verdicts_not_items(
    pytester: pytest.Pytester, expr: str, present: set[str], absent: set[str]
) -> None:
    _write(pytester, "web.yaml", INSECURE)
    result = pytester.runpytest(
        "--devops-policy-only",
        "--devops-policy-ignore=SECRET",
        "-k",
        expr,
        "--junitxml=out.xml",
        "-o",
        "junit_family=xunit1",
    )
    props = _junit_props(pytester.path / "out.xml")
    assert present <= _verdicts(props), props
    assert not absent & _verdicts(props), props
    assert result.ret == 1


def test_m_selects_verdicts_by_their_own_severity(pytester: pytest.Pytester) -> None:
    _write(pytester, "web.yaml", INSECURE)
    pytester.runpytest(
        "--devops-policy-only",
        "--devops-policy-ignore=SECRET",
        "-m",
        "critical",
        "--junitxml=out.xml",
    )
    props = _junit_props(pytester.path / "out.xml")
    assert props, "the Deployment has critical verdicts"
    assert {props[f"{pid}.severity"] for pid in _verdicts(props)} == {"critical"}


def test_deselect_a_single_verdict(pytester: pytest.Pytester) -> None:
    _write(pytester, "web.yaml", INSECURE)
    pytester.runpytest(
        "--devops-policy-only",
        "--devops-policy-ignore=SECRET",
        "--deselect",
        "web.yaml::Deployment/web::K8S-002",
        "--junitxml=out.xml",
    )
    props = _junit_props(pytester.path / "out.xml")
    assert "K8S-002" not in props and props["K8S-001"] == "failed"


def test_junit_carries_every_verdict_as_properties(pytester: pytest.Pytester) -> None:
    _write(pytester, "web.yaml", INSECURE)
    pytester.runpytest(
        "--devops-policy-only", "--devops-policy-ignore=SECRET", "--junitxml=out.xml"
    )
    props = _junit_props(pytester.path / "out.xml")
    assert props["resource"] == "Deployment/web" and props["kind"] == "kubernetes"
    assert props["K8S-002"] == "failed"
    assert props["K8S-002.severity"] == "critical"
    assert props["K8S-002.name"] == "no-privileged-containers"
    assert props["K8S-002.line"].isdigit()
    assert "passed" in {props[pid] for pid in _verdicts(props)}


def test_a_waived_only_selection_is_an_xfail(
    pytester: pytest.Pytester,
) -> None:
    waived = INSECURE.replace(
        "metadata:\n  name: web\n",
        "metadata:\n  name: web\n  annotations:\n"
        '    devops-policy.io/ignore: "K8S-002"\n'
        '    devops-policy.io/ignore-reason: "lab only"\n',
    )
    _write(pytester, "web.yaml", waived)
    result = pytester.runpytest(
        "--devops-policy-only", "--devops-policy-ignore=SECRET", "-k", "K8S-002", "-rx"
    )
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines(["*waived by*lab only*"])
    result = pytester.runpytest(
        "--devops-policy-only", "--devops-policy-ignore=SECRET", "--junitxml=out.xml"
    )
    props = _junit_props(pytester.path / "out.xml")
    assert props["K8S-002"] == "waived" and props["K8S-002.waiver_reason"] == "lab only"
    result.stdout.fnmatch_lines(["items: * 1 waived*"])


def test_python_tests_are_selected_as_pytest_selects_them(pytester: pytest.Pytester) -> None:
    _write(pytester, "web.yaml", INSECURE)
    pytester.makepyfile(
        test_app="import pytest\ndef test_alpha(): pass\n@pytest.mark.slow\ndef test_beta(): pass\n"
    )
    pytester.makeini("[pytest]\nmarkers = slow\n")
    result = pytester.runpytest(
        "--devops-policy", "--devops-policy-ignore=SECRET", "-k", "alpha or K8S-001", "-v"
    )
    result.stdout.fnmatch_lines(["*test_alpha PASSED*", "*Deployment/web FAILED*"])
    result.assert_outcomes(passed=1, failed=1, deselected=1)
    result = pytester.runpytest("--devops-policy", "--devops-policy-ignore=SECRET", "-m", "slow")
    result.assert_outcomes(passed=1, deselected=2)


def test_last_failed_reruns_the_failed_resources(pytester: pytest.Pytester) -> None:
    _write(pytester, "bad.yaml", INSECURE)
    _write(pytester, "ok.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    first = pytester.runpytest("--devops-policy-only", "--devops-policy-ignore=SECRET")
    first.assert_outcomes(failed=1, passed=1)
    again = pytester.runpytest("--devops-policy-only", "--devops-policy-ignore=SECRET", "--lf")
    again.assert_outcomes(failed=1)
    again.stdout.fnmatch_lines(["run-last-failure: rerun previous 1 failure*"])


def test_xdist_counts_the_same_verdicts(pytester: pytest.Pytester) -> None:
    _write(pytester, "a.yaml", INSECURE)
    _write(pytester, "b.yaml", INSECURE.replace("name: web", "name: api"))
    one = pytester.runpytest("--devops-policy-only", "--devops-policy-ignore=SECRET")
    two = pytester.runpytest("--devops-policy-only", "--devops-policy-ignore=SECRET", "-n", "2")
    assert _summary_items(one.outlines) == _summary_items(two.outlines)


def test_a_bad_items_value_is_one_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml('[tool.devops-policy]\nitems = "resources"\n')
    _write(pytester, "web.yaml", INSECURE)
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-ignore=SECRET")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*items must be one of resource, policy*did you mean 'resource'*"])


def _junit_props(path: Path) -> dict[str, str]:
    """The properties of the one Deployment testcase."""
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        props = {p.get("name", ""): p.get("value", "") for p in case.iter("property")}
        if props.get("resource", "").startswith("Deployment/"):
            return props
    return {}


def _verdicts(props: dict[str, str]) -> set[str]:
    return {k for k in props if "." not in k and k not in ("resource", "kind", "file", "line")}


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["no-xdist", "xdist"])
def test_resource_items_mask_secrets_in_text_properties_and_cache(
    pytester: pytest.Pytester, xdist: list[str]
) -> None:
    from test_secret_outputs import ONE_LINE_POD, URL_PASSWORD_DOCKERFILE, _assert_hidden, _run

    pytester.makefile(".yaml", pod=ONE_LINE_POD)
    pytester.makefile("", Dockerfile=URL_PASSWORD_DOCKERFILE)
    text, result = _run(pytester, *xdist)
    # the Dockerfile's stage and the pod, and their secrets nodes
    assert result.parseoutcomes()["failed"] >= 2
    _assert_hidden(text, "Hunter2SecretValue", "Sup3rS3cretPw")
    again, _ = _run(pytester, "--lf", *xdist)  # from the result cache
    _assert_hidden(again, "Hunter2SecretValue", "Sup3rS3cretPw")


def test_a_verdict_node_id_argument_judges_that_policy_only(pytester: pytest.Pytester) -> None:
    _write(pytester, "k8s/web.yaml", INSECURE)
    result = pytester.runpytest(
        "--devops-policy-only",
        "--devops-policy-ignore=SECRET",
        "k8s/web.yaml::Deployment/web::K8S-001",
        "k8s/web.yaml::Deployment/web::K8S-002",
        "--junitxml=out.xml",
    )
    result.assert_outcomes(failed=1)
    assert _verdicts(_junit_props(pytester.path / "out.xml")) == {"K8S-001", "K8S-002"}
