"""GitHub Actions beyond .github/workflows: composite actions (``action.yml`` anywhere, their
steps judged by the step-level job policies), local ``uses: ./path`` resolution, and
``gha.workflow_dirs`` (workflows sniffed by content in directories the options name)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_devops_policy import kinds
from pytest_devops_policy.api import Violation, policy
from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.engine.registry import build_policy_set
from pytest_devops_policy.formats.github_actions.action import Action, ActionJob, parse_action
from pytest_devops_policy.formats.github_actions.uses import parse_uses
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.formats.github_actions.workflow import parse as parse_workflow
from pytest_devops_policy.indexes.workflows import build_index, dependencies, repository_root
from pytest_devops_policy.model import Source
from pytest_devops_policy.options import Options

RUN = ("--devops-policy-only", "-p", "no:cacheprovider", "--devops-policy-ignore=SECRET")

COMPOSITE = """\
name: Setup
description: Sets up the toolchain
inputs:
  version:
    description: The version
runs:
  using: composite
  steps:
    - uses: actions/checkout@v4
    - run: echo "${{ inputs.version }}"
      shell: bash
"""

WORKFLOW = """\
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/setup
"""

TEMPLATE = """\
name: CI
on:
  push:
    branches: [ $default-branch ]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
"""


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _ids(result: pytest.RunResult) -> list[str]:
    return [line for line in result.stdout.lines if "::" in line and " " not in line]


# -- discovery and node ids ---------------------------------------------------------------


def test_composite_actions_anywhere_get_the_step_level_policies(
    pytester: pytest.Pytester,
) -> None:
    _write(pytester.path, ".github/actions/setup/action.yml", COMPOSITE)
    _write(pytester.path, "tools/release/action.yaml", COMPOSITE)
    result = pytester.runpytest(*RUN, "--co", "-q")
    ids = _ids(result)
    for rel in (".github/actions/setup/action.yml", "tools/release/action.yaml"):
        assert f"{rel}::action::GHA-003" in ids
        assert f"{rel}::action::GHA-008" in ids
        assert f"{rel}::action::GHA-010" in ids  # applies: the action checks out
        # Job-level policies are N/A for an action: no item at all.
        for job_level in ("GHA-001", "GHA-004", "GHA-016"):
            assert f"{rel}::action::{job_level}" not in ids
    # Besides the actions, only the repository node (repo-level policies) has items.
    assert all(i.split("::")[1] in ("action", "repository") for i in ids)


def test_action_findings_point_into_runs_steps(pytester: pytest.Pytester) -> None:
    _write(pytester.path, "setup/action.yml", COMPOSITE)
    result = pytester.runpytest(*RUN, "-q", "-m", "github_actions")
    out = result.stdout.str()
    assert "--> setup/action.yml:9:7" in out  # the checkout step (GHA-003, GHA-010)
    # An action input is set by the calling workflow: medium, like a workflow_call input.
    assert "GHA-008 no-template-injection [medium]" in out
    assert "--> setup/action.yml:10:7" in out
    result.assert_outcomes(failed=3, passed=4)  # GHA-005, 007, 022 and 026 pass


def test_other_action_files_are_left_alone(pytester: pytest.Pytester) -> None:
    _write(pytester.path, "fixtures/action.yml", "name: not an action\nruns: nope\n")
    _write(pytester.path, "js/action.yml", "name: js\nruns:\n  using: node20\n  main: i.js\n")
    _write(pytester.path, "docs/action.yaml", "- a list\n")
    result = pytester.runpytest(*RUN, "-q")
    out = result.stdout.str()
    assert "fixtures/action.yml" not in out and "docs/action.yaml" not in out
    assert "PARSE-ERROR" not in out and "note:" not in out
    assert "items: 0" in out or "no tests ran" in out


def test_a_broken_composite_action_is_a_parse_error(pytester: pytest.Pytester) -> None:
    _write(pytester.path, "a/action.yml", "name: x\nruns:\n  using: composite\n  steps: 3\n")
    result = pytester.runpytest(*RUN, "-q")
    result.stdout.fnmatch_lines(["PARSE-ERROR*runs.steps must be a list*", "*--> a/action.yml:4:3"])


def test_inline_waiver_on_an_action_step(pytester: pytest.Pytester) -> None:
    text = COMPOSITE.replace(
        "    - uses: actions/checkout@v4\n",
        '    # devops-policy: ignore[GHA-003,GHA-010] reason="vendored, tracked in OPS-1"\n'
        "    - uses: actions/checkout@v4\n",
    )
    _write(pytester.path, "setup/action.yml", text)
    result = pytester.runpytest(*RUN, "-q", "-rx")
    out = result.stdout.str()
    assert "GHA-003" in out and "waived" in out
    result.assert_outcomes(failed=1, passed=4, xfailed=2)


# -- the one allow-list ---------------------------------------------------------------------


def _fake(policy_id: str) -> object:
    @policy(
        id=policy_id,
        name=f"fake-{policy_id.lower()}",
        title="t",
        severity="high",
        rationale="r",
        remediation="m",
    )
    def fake(job: Job) -> Iterator[Violation]:
        yield from ()

    return fake


class _All:
    def selects(self, policy_id: str, name: str) -> bool:
        return True


def test_the_allow_list_lends_job_policies_by_id_even_unwritten_ones() -> None:
    lent = ("GHA-003", "GHA-005", "GHA-007", "GHA-008", "GHA-010", "GHA-022", "GHA-026")
    assert frozenset(lent) == kinds.COMPOSITE_ACTION_POLICIES
    policies = [_fake(i) for i in (*lent, "GHA-001", "GHA-016", "ACME-003")]
    chosen = build_policy_set([policies], _All())
    assert [p.id for p in chosen.for_subject("action")] == list(lent)
    assert len(chosen.for_subject("job")) == len(policies)
    assert kinds.judges("job", "GHA-022", "action")
    assert not kinds.judges("job", "GHA-016", "action")
    assert not kinds.judges("workflow", "GHA-003", "action")
    assert kinds.judges("job", "GHA-016", "job")


def test_an_action_job_reads_like_a_job(tmp_path: Path) -> None:
    path = _write(tmp_path, "a/action.yml", COMPOSITE)
    parsed = parse_action(Source(str(path), "a/action.yml", path.read_text()))
    (subject,) = parsed.subjects
    assert isinstance(subject, ActionJob) and isinstance(subject, Job)
    assert subject.key == "action" and subject.label == "action"
    assert isinstance(subject.workflow, Action)
    assert subject.workflow.env == {} and subject.env == {} and not subject.workflow.on.names
    assert [s.line for s in subject.steps] == [9, 10]
    assert subject.locate(("steps", 1, "run")) == (10, 7)
    assert subject.display == "composite action 'Setup'"
    assert subject.line == 6  # runs:


# -- local actions --------------------------------------------------------------------------


def test_resolve_action(tmp_path: Path) -> None:
    _write(tmp_path, ".github/actions/setup/action.yml", COMPOSITE)
    _write(tmp_path, "actions/other/action.yaml", COMPOSITE)
    _write(tmp_path, "docker-only/Dockerfile", "FROM alpine:3.20\n")
    _write(tmp_path, "notes/action.yml", "just: data\n")
    _write(tmp_path, ".github/workflows/ci.yml", WORKFLOW)
    cache = ParseCache(str(tmp_path))
    index = build_index(str(tmp_path), cache)
    found = index.resolve_action(parse_uses("./.github/actions/setup"))
    assert isinstance(found, Action) and found.name == "Setup" and found.is_composite
    assert index.resolve_action(parse_uses("./.github/actions/setup/")) is found
    other = index.resolve_action(parse_uses("./actions/./other"))
    assert isinstance(other, Action)
    for missing in ("./docker-only", "./notes", "./nowhere", "./../outside", "actions/x@v1"):
        assert index.resolve_action(parse_uses(missing)) is None
    assert index.resolve_action(parse_uses("./.github/workflows/ci.yml")) is None


def test_a_workflows_cache_key_covers_the_local_actions_it_uses(tmp_path: Path) -> None:
    _write(tmp_path, ".github/actions/setup/action.yml", COMPOSITE + "    - uses: ./inner\n")
    _write(tmp_path, "inner/action.yml", COMPOSITE)
    wf = _write(tmp_path, ".github/workflows/ci.yml", WORKFLOW)
    deps = dependencies(str(wf), ParseCache(str(tmp_path)))
    rel = {str(Path(d).relative_to(tmp_path)) for d in deps}
    assert {
        ".github/workflows/ci.yml",
        ".github/actions/setup/action.yml",
        ".github/actions/setup/action.yaml",  # absent now: adding it changes the key
        "inner/action.yml",  # used by the action, transitively
    } <= rel


def test_an_actions_repository_is_found_above_it(tmp_path: Path) -> None:
    _write(tmp_path, "repo/.github/workflows/ci.yml", WORKFLOW)
    action = _write(tmp_path, "repo/actions/setup/action.yml", COMPOSITE)
    assert repository_root(str(action), str(tmp_path)) == str(tmp_path / "repo")
    lone = _write(tmp_path, "lone/x/action.yml", COMPOSITE)
    assert repository_root(str(lone), str(tmp_path / "lone")) == str(tmp_path / "lone")


# -- gha.workflow_dirs ----------------------------------------------------------------------


def test_workflow_dirs_from_pyproject(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        '[tool.devops-policy.gha]\nworkflow_dirs = ["workflow-templates", "templates/*"]\n'
    )
    _write(pytester.path, "workflow-templates/ci.yml", TEMPLATE)
    _write(pytester.path, "workflow-templates/ci.properties.yml", "name: CI\nlabels: [x]\n")
    _write(pytester.path, "workflow-templates/deep/ci.yml", TEMPLATE)  # not directly in it
    _write(pytester.path, "templates/go/build.yaml", TEMPLATE)
    _write(pytester.path, "templates/no-on.yml", "jobs:\n  a:\n    runs-on: x\n")
    _write(pytester.path, "elsewhere/ci.yml", TEMPLATE)
    result = pytester.runpytest(*RUN, "--co", "-q")
    ids = _ids(result)
    assert "workflow-templates/ci.yml::job:build::GHA-001" in ids
    assert "templates/go/build.yaml::job:build::GHA-001" in ids
    files = {i.split("::")[0] for i in ids}
    assert files == {"workflow-templates/ci.yml", "templates/go/build.yaml"}
    assert "note:" not in result.stdout.str()


def test_workflow_dirs_on_the_command_line(pytester: pytest.Pytester) -> None:
    _write(pytester.path, "ci/python.yml", TEMPLATE)
    _write(pytester.path, "deployments/aws.yml", TEMPLATE.replace("make", "make deploy"))
    _write(pytester.path, ".github/workflow-templates/x.yml", TEMPLATE)
    plain = _ids(pytester.runpytest(*RUN, "--co", "-q"))
    assert not any(i.startswith(("ci/", "deployments/")) for i in plain)
    result = pytester.runpytest(
        *RUN,
        "--co",
        "-q",
        "--devops-policy-option",
        "gha.workflow_dirs=ci, deployments,.github/workflow-templates",
    )
    files = {i.split("::")[0] for i in _ids(result)} - {".github"}  # the repository node
    assert files == {"ci/python.yml", "deployments/aws.yml", ".github/workflow-templates/x.yml"}


@pytest.mark.parametrize("value", ["/abs/dir", "../up", "."])
def test_a_bad_workflow_dir_is_one_usage_error(pytester: pytest.Pytester, value: str) -> None:
    result = pytester.runpytest(*RUN, "--devops-policy-option", f"gha.workflow_dirs={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert err.count("gha.workflow_dirs") == 1 and "Traceback" not in err


def test_a_bad_workflow_dirs_type_in_pyproject(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml("[tool.devops-policy.gha]\nworkflow_dirs = 3\n")
    result = pytester.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "gha.workflow_dirs" in result.stderr.str()


def test_on_stays_a_key_when_sniffing() -> None:
    # YAML 1.1 loaders turn `on` into True; the workflow loader is YAML 1.2.
    for text in (TEMPLATE, TEMPLATE.replace("on:", '"on":'), "on: [push]\njobs: {}\n"):
        parsed = parse_workflow(Source("/r/t/ci.yml", "t/ci.yml", text), sniffed=True)
        assert parsed.recognised and parsed.workflow is not None
    for text in ("true:\n  push:\njobs: {}\n", "jobs: {}\n", "on: push\njobs: [a]\n", "a: 1\n"):
        parsed = parse_workflow(Source("/r/t/x.yml", "t/x.yml", text), sniffed=True)
        assert not parsed.recognised and not parsed.subjects


def test_the_recogniser_keeps_path_rules_without_options() -> None:
    assert kinds.recogniser("/r", Options()) is kinds.classify
    options = Options.from_flat({"gha.workflow_dirs": ["ci"]}, kinds.option_classes())
    classify = kinds.recogniser("/r", options)
    github = kinds.by_name("github-actions")
    assert classify(Path("/r/ci/a.yml")) is github
    assert classify(Path("/r/ci/a.json")) is kinds.by_name("kubernetes")
    assert classify(Path("/r/other/ci/a.yml")) is kinds.by_name("kubernetes")
    assert classify(Path("/r/x/action.yml")) is github
    assert classify(Path("/r/x/Action.yml")) is not github  # the runner's names are exact
