"""GitLab CI collected as a kind (issue 21 item 3): node ids, the marker, JUnit, waivers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

RUN = ("--devops-policy-only", "-p", "no:cacheprovider", "--devops-policy-select=GL-010")

PIPELINE = """\
stages: [build, deploy]

build:
  stage: build
  script:
    - make

# devops-policy: ignore[GL-010] reason="mirror job, tracked in OPS-7"
mirror:
  stage: deploy
  script:
    - git push --mirror backup

bump:
  stage: deploy
  script:
    - git push --force origin HEAD:main

.template:
  script:
    - git push --force origin HEAD:main
"""


def _junit(path: str) -> dict[str, dict[str, str]]:
    """Properties of each testcase, by resource (tests run the ``policy`` item model)."""
    root = ET.parse(path).getroot()
    out: dict[str, dict[str, str]] = {}
    for case in root.iter("testcase"):
        props = {p.get("name", ""): p.get("value", "") for p in case.iter("property")}
        out[props["resource"]] = props
    return out


def test_jobs_are_items_with_kind_marker_and_waivers(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath(".gitlab-ci.yml").write_text(PIPELINE, encoding="utf-8")
    result = pytester.runpytest(*RUN, "-v", "-rx", "-m", "gitlab_ci", "--junitxml=out.xml")
    result.stdout.fnmatch_lines(
        [
            "*.gitlab-ci.yml::job:build::GL-010 PASSED*",
            "*.gitlab-ci.yml::job:mirror::GL-010 XFAIL*",
            "*.gitlab-ci.yml::job:bump::GL-010 FAILED*",
            "*--> .gitlab-ci.yml:17:7",
        ]
    )
    assert ".template" not in result.stdout.str()  # hidden jobs are templates, not items
    result.assert_outcomes(failed=1, passed=1, xfailed=1)
    cases = _junit(str(pytester.path / "out.xml"))
    assert {c["kind"] for c in cases.values()} == {"gitlab-ci"}
    assert set(cases) == {"job:build", "job:mirror", "job:bump"}
    assert cases["job:bump"]["line"] == "17"
    assert cases["job:mirror"]["waiver_source"] == ".gitlab-ci.yml:8"
    assert cases["job:mirror"]["waiver_status"] == "applied"


def test_verdict_node_ids_select_and_deselect(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath(".gitlab-ci.yml").write_text(PIPELINE, encoding="utf-8")
    result = pytester.runpytest(*RUN, ".gitlab-ci.yml::job:bump::GL-010")
    result.assert_outcomes(failed=1)
    result = pytester.runpytest(*RUN, "--deselect", ".gitlab-ci.yml::job:bump::GL-010")
    result.assert_outcomes(passed=1, xfailed=1, deselected=1)


def test_other_markers_do_not_select_gitlab(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath(".gitlab-ci.yml").write_text(PIPELINE, encoding="utf-8")
    result = pytester.runpytest(*RUN, "-m", "github_actions")
    assert "job:bump" not in result.stdout.str()
    assert result.ret != 1


def test_the_classifier_knobs_of_the_gha_table_serve_gitlab_too(pytester: pytest.Pytester) -> None:
    """One idea of a deploy job, configured once: ``gha.deploy_patterns`` makes a GitLab job
    that runs the team's own deploy command a deploy job (GL-005 then judges it)."""
    pytester.path.joinpath(".gitlab-ci.yml").write_text(
        "step:\n  stage: build\n  script:\n    - ./tools/shipit --to prod\n", encoding="utf-8"
    )
    args = ("--devops-policy-only", "-p", "no:cacheprovider", "--devops-policy-select=GL-005")
    pytester.runpytest(*args).assert_outcomes()  # not a deploy job: no item
    pytester.makepyprojecttoml(
        '[tool.devops-policy.gha]\ndeploy_patterns = ["\\\\./tools/shipit\\\\b"]\n'
    )
    result = pytester.runpytest(*args, "-v")
    result.stdout.fnmatch_lines(["*.gitlab-ci.yml::job:step::GL-005 FAILED*"])
