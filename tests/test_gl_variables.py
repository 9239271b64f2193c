"""knowledge.ci.gl_variables: what a $VAR in a GitLab CI keyword stands for (GL-007)."""

from __future__ import annotations

from pathlib import Path

from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob, parse
from pytest_devops_policy.knowledge.ci.gl_variables import UNSET, expand_variables
from pytest_devops_policy.model import Source

PIPELINE = """\
variables:
  GLOBAL: global-value
  NESTED: $GLOBAL/x
  LITERAL:
    value: $GLOBAL
    expand: false
  SELF: a$SELF
workflow:
  rules:
    - if: $CI_COMMIT_TAG
      variables:
        FROM_WORKFLOW: wf

job:
  variables:
    GLOBAL: job-value
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
      variables:
        RULED: nightly
    - when: on_success
  script: [make]

isolated:
  inherit:
    variables: false
  script: [make]
"""


def _jobs(tmp_path: Path) -> dict[str, GitLabJob]:
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(PIPELINE)
    pf = parse(Source(str(path), ".gitlab-ci.yml", PIPELINE))
    return {s.name: s for s in pf.subjects if isinstance(s, GitLabJob)}


def _texts(text: str, job: GitLabJob, predefined: dict[str, str] | None = None) -> list[str]:
    return [e.text for e in expand_variables(text, job, predefined)]


def test_job_variables_override_global_and_nest(tmp_path: Path) -> None:
    job = _jobs(tmp_path)["job"]
    assert _texts("$GLOBAL", job) == ["job-value"]
    assert _texts("${NESTED}:1", job) == ["job-value/x:1"]
    assert _texts("$LITERAL", job) == ["$GLOBAL"]  # expand: false
    assert _texts("$$GLOBAL", job) == ["$GLOBAL"]  # $$ is a literal $


def test_rules_and_workflow_values_are_candidates(tmp_path: Path) -> None:
    job = _jobs(tmp_path)["job"]
    assert _texts("go:$RULED", job) == ["go:nightly", f"go:{UNSET}"]
    assert _texts("$FROM_WORKFLOW", job) == ["wf", UNSET]


def test_unknown_cycles_predefined_and_inherit(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path)
    [e] = expand_variables("$NOPE/app", jobs["job"])
    assert (e.text, e.unset) == (f"{UNSET}/app", ("NOPE",))
    assert UNSET in _texts("$SELF", jobs["job"])[0]
    assert _texts("$CI_REGISTRY/app", jobs["job"], {"CI_REGISTRY": "r.example"}) == [
        "r.example/app"
    ]
    assert _texts("$GLOBAL", jobs["isolated"]) == [UNSET]  # inherit: variables: false
