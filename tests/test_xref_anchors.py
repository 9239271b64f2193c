"""One policy, several anchors (``api.also_anchored``): a cross-artifact policy judges a
GitHub Actions job and a GitLab CI job under one id, one metadata, one docs page and one
row of the list; each anchor's items are its kind's."""

from __future__ import annotations

import pytest
from conftest import parse_junit

from pytest_devops_policy.api import also_anchored, get_policy, policy
from pytest_devops_policy.engine.registry import PolicyConflict, build_policy_set
from pytest_devops_policy.settings import Settings

POLICIES = """
from pytest_devops_policy import policy, Severity, Violation
from pytest_devops_policy.api import also_anchored

def _deploys(commands):
    return [c for c in commands if "kubectl" in c]

@policy(id="XREF-903", name="deploys-with-kubectl", title="t", severity=Severity.HIGH,
        rationale="r", remediation="m")
def deploys_with_kubectl(job):
    for step in job.steps:
        if step.run and _deploys([step.run]):
            yield Violation("deploys with kubectl", line=step.line,
                            links=(f".github/workflows/deploy.yml:{step.line} -> k8s/web.yaml:3",))

@also_anchored(deploys_with_kubectl)
def deploys_with_kubectl_gitlab(gl_job):
    if _deploys([str(line) for line in gl_job.script]):
        yield Violation("deploys with kubectl")

def pytest_devops_policy_add_policies(config):
    return [deploys_with_kubectl, deploys_with_kubectl_gitlab]
"""
GHA = """\
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: kubectl apply -f k8s/
"""
GITLAB = """\
deploy:
  script:
    - kubectl apply -f k8s/
test:
  script:
    - pytest
"""


def test_both_anchors_judge_under_one_id(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(POLICIES)
    wf = pytester.path / ".github" / "workflows" / "deploy.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(GHA, encoding="utf-8")
    (pytester.path / ".gitlab-ci.yml").write_text(GITLAB, encoding="utf-8")
    run = ("-p", "no:devops_policy.builtin", "--devops-policy-only", "-v")
    result = pytester.runpytest(*run, "-k", "XREF-903")
    result.stdout.fnmatch_lines(
        [
            "*.github/workflows/deploy.yml::job:deploy::XREF-903 FAILED*",
            "*.gitlab-ci.yml::job:deploy::XREF-903 FAILED*",
            "*.gitlab-ci.yml::job:test::XREF-903 PASSED*",
        ],
        consecutive=False,
    )
    for items in ("policy", "resource"):
        pytester.runpytest(*run, f"--devops-policy-items={items}", "--junitxml=j.xml")
        cases = parse_junit(pytester.path / "j.xml")
        props = next(c.properties for c in cases.values() if "deploy.yml" in c.classname + c.name)
        key = "links" if items == "policy" else "XREF-903.links"
        assert props[key] == ".github/workflows/deploy.yml:6 -> k8s/web.yaml:3", props
    listing = pytester.runpytest("-p", "no:devops_policy.builtin", "--devops-policy-list")
    rows = [line for line in listing.outlines if line.startswith("XREF-903")]
    assert len(rows) == 1, listing.outlines
    ignored = pytester.runpytest(*run, "--devops-policy-ignore=XREF-903")
    assert "XREF-903" not in ignored.stdout.str()


def _policy(pid: str, subject_name: str = "job") -> object:
    def job(job: object) -> None:
        return None

    def gl(gl_job: object) -> None:
        return None

    func = job if subject_name == "job" else gl
    return policy(id=pid, name="n", title="t", severity="low", rationale="r", remediation="m")(func)


def test_a_second_anchor_must_be_declared_as_one() -> None:
    first = _policy("XREF-904")
    second = _policy("XREF-904", "gl")  # a second @policy, not also_anchored: a clash
    with pytest.raises(PolicyConflict, match="duplicate policy id XREF-904"):
        build_policy_set([[first, second]], Settings())

    @also_anchored(first)
    def twin(gl_job: object) -> None:
        return None

    chosen = build_policy_set([[first, twin]], Settings())
    meta = get_policy(twin)
    assert meta is not None and not meta.primary and meta.kind == "gitlab-ci"
    assert [p.subject for p in chosen.policies] == ["gl_job", "job"]
    with pytest.raises(TypeError, match="another subject"):

        @also_anchored(first)
        def same(job: object) -> None:
            return None
