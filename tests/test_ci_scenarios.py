"""Run scenarios: conditions, inputs and needs chains evaluated for one kind of run."""

from __future__ import annotations

import textwrap

from pytest_devops_policy.formats.github_actions.workflow import Job, parse
from pytest_devops_policy.knowledge.ci.conditions import UNKNOWN
from pytest_devops_policy.knowledge.ci.scenarios import (
    Scenario,
    attacker_branches,
    job_outcome,
    outcome,
    step_outcome,
    value_in,
)
from pytest_devops_policy.model import Source

PR = Scenario(
    "pull_request", "refs/pull/1/merge", "a pull request", head_ref="main", base_ref="main"
)
TAG = Scenario("push", "refs/tags/v1.2.0", "a tag push", ref_protected=True)
MAIN = Scenario("push", "refs/heads/main", "a push to main", ref_protected=True)
SUCCEEDED = {"success": True, "always": True, "cancelled": False, "failure": False}


def _jobs(text: str) -> dict[str, Job]:
    body = textwrap.dedent(text).lstrip("\n")
    parsed = parse(Source("/r/.github/workflows/w.yml", ".github/workflows/w.yml", body))
    assert parsed.workflow is not None
    return parsed.workflow.jobs


def test_ref_functions_fold() -> None:
    assert outcome("startsWith(github.ref, 'refs/tags/')", TAG, SUCCEEDED) is True
    assert outcome("startsWith(github.ref, 'refs/tags/')", MAIN, SUCCEEDED) is False
    assert outcome("endsWith(github.ref, '/MAIN')", MAIN, SUCCEEDED) is True  # case-insensitive
    assert outcome("contains(github.ref, 'pull')", PR, SUCCEEDED) is True
    assert outcome("github.ref_type == 'tag' && github.ref_name == 'v1.2.0'", TAG, SUCCEEDED)
    assert (
        outcome('contains(fromJSON(\'["push", "release"]\'), github.event_name)', PR, SUCCEEDED)
        is False
    )
    assert outcome("format('refs/heads/{0}', 'main') == github.ref", MAIN, SUCCEEDED) is True
    # github.head_ref is the fork's branch name: it may well be 'main'.
    assert outcome("github.head_ref == 'main'", PR, SUCCEEDED) is True
    # what the scenario does not fix stays unknown, and `false && x` is false
    assert outcome("github.actor == 'me'", MAIN, SUCCEEDED) is None
    assert (
        outcome("github.actor == 'me' && github.event_name == 'release'", MAIN, SUCCEEDED) is False
    )


def test_value_in_renders_inputs() -> None:
    cache = "${{ !startsWith(github.ref, 'refs/tags/') && 'npm' || '' }}"
    assert value_in(cache, TAG) == ""
    assert value_in(cache, MAIN) == "npm"
    assert value_in("${{ inputs.cache }}", TAG) is UNKNOWN
    assert value_in("pre-${{ github.ref_name }}", TAG) == "pre-v1.2.0"
    assert value_in(True, TAG) is True


def test_step_outcome() -> None:
    assert step_outcome("${{ github.event_name != 'push' }}", MAIN) is False
    assert step_outcome(None, MAIN) is True


def test_needs_chain_skips_and_always_overrides() -> None:
    jobs = _jobs(
        """
        on: [push, pull_request]
        jobs:
          gate:
            if: github.event_name == 'push'
            runs-on: x
            steps: [{run: echo}]
          build:
            needs: gate
            runs-on: x
            steps: [{run: make}]
          deploy:
            needs: build
            runs-on: x
            steps: [{run: make}]
          always:
            needs: build
            if: always()
            runs-on: x
            steps: [{run: make}]
        """
    )
    assert job_outcome(jobs["deploy"], PR) is False
    assert job_outcome(jobs["deploy"], MAIN) is True
    assert job_outcome(jobs["always"], PR) is True


def test_attacker_branches_vary_literals_and_skip_protected() -> None:
    names = attacker_branches(["refs/heads/main", "/main"], lambda b: b in ("main", "master"))
    assert "main" not in names
    assert {"main-x", "x/main", "feature"} <= set(names)


def test_possible_values_of_and_or_chains() -> None:
    from pytest_devops_policy.formats.github_actions.expressions import parse_expression
    from pytest_devops_policy.knowledge.ci.scenarios import possible_values

    assert possible_values(parse_expression("matrix.pgo && 60 || 30")) == [60, 30]
    assert possible_values(parse_expression("inputs.t || 15")) is None  # inputs.t itself
    assert possible_values(parse_expression("fromJSON('20')")) == [20]
    matrix = {("matrix", "t"): [5, 8]}
    assert possible_values(parse_expression("matrix.t"), matrix.get) == [5, 8]
