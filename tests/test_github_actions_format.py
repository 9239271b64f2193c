"""The GitHub Actions workflow model: triggers, jobs, steps, uses refs, expressions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_devops_policy.api import Severity
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.evaluate import evaluate
from pytest_devops_policy.formats.github_actions.expressions import (
    Ctx,
    find_expressions,
    normalize_context,
    parse_expression,
)
from pytest_devops_policy.formats.github_actions.triggers import github_glob_match
from pytest_devops_policy.formats.github_actions.uses import parse_uses
from pytest_devops_policy.formats.github_actions.workflow import Job, Workflow, parse
from pytest_devops_policy.indexes.workflows import build_index, index_scope
from pytest_devops_policy.knowledge.ci.classify import classify_job
from pytest_devops_policy.knowledge.ci.conditions import FAILED, SUCCEEDED, condition_outcome
from pytest_devops_policy.knowledge.ci.taint import context_matches
from pytest_devops_policy.knowledge.ci.taint import flows as flows_of
from pytest_devops_policy.model import ParsedFile, ParseError, Source
from pytest_devops_policy.policies import builtin_by_id


def _parse(text: str, relpath: str = ".github/workflows/ci.yml") -> ParsedFile:
    body = textwrap.dedent(text).lstrip("\n")
    return parse(Source(path=f"/repo/{relpath}", relpath=relpath, text=body))


def _workflow(text: str) -> Workflow:
    parsed = _parse(text)
    wf = parsed.workflow
    assert isinstance(wf, Workflow)
    return wf


def _error(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        _parse(text)
    return info.value


# --------------------------------------------------------------------------
# on:


def test_on_stays_a_string_key() -> None:
    wf = _workflow(
        """
        on:
          push:
          pull_request:
        jobs: {}
        """
    )
    assert list(wf.raw) == ["on", "jobs"]  # not the YAML 1.1 boolean True
    assert wf.on.names == ("push", "pull_request")


@pytest.mark.parametrize(
    ("on", "names"),
    [
        ("on: push", ("push",)),
        ("on: [push, pull_request]", ("push", "pull_request")),
        ("on:\n  push:\n  workflow_dispatch:", ("push", "workflow_dispatch")),
        ("on:\n  push:\n    branches: [main]", ("push",)),
        ("name: x", ()),
    ],
)
def test_on_forms(on: str, names: tuple[str, ...]) -> None:
    wf = _workflow(on + "\njobs: {}\n")
    assert wf.on.names == names


def test_trigger_filters_and_lines() -> None:
    wf = _workflow(
        """
        on:
          push:
            branches: [main, 'release/**', '!release/old']
            tags: v*
          pull_request:
            types: [opened, synchronize]
          schedule:
            - cron: '0 3 * * 1-5'
            - cron: '0 12 * * 6'
          workflow_dispatch:
            inputs:
              version:
                type: string
        jobs: {}
        """
    )
    push = wf.on.get("push")
    assert push is not None and push.line == 2
    assert push.filter("branches") == ("main", "release/**", "!release/old")
    assert push.filter("tags") == ("v*",)
    assert push.filter("paths") is None
    assert wf.on.get("pull_request").filter("types") == ("opened", "synchronize")  # type: ignore[union-attr]
    assert wf.on.get("schedule").crons == ("0 3 * * 1-5", "0 12 * * 6")  # type: ignore[union-attr]
    assert set(wf.on.get("workflow_dispatch").inputs) == {"version"}  # type: ignore[union-attr]
    assert wf.on.pushes_branch("main")
    assert wf.on.pushes_branch("release/2024/q1")
    assert not wf.on.pushes_branch("release/old")
    assert not wf.on.pushes_branch("feature/x")
    assert wf.on.pushes_tags()


def test_push_filter_sides() -> None:
    tags_only = _workflow("on:\n  push:\n    tags: ['v*']\njobs: {}\n")
    assert not tags_only.on.pushes_branch("main")
    assert tags_only.on.pushes_tags()
    branches_only = _workflow("on:\n  push:\n    branches-ignore: [main]\njobs: {}\n")
    assert not branches_only.on.pushes_branch("main")
    assert branches_only.on.pushes_branch("dev")
    assert not branches_only.on.pushes_tags()
    bare = _workflow("on: push\njobs: {}\n")
    assert bare.on.pushes_branch("main") and bare.on.pushes_tags()


@pytest.mark.parametrize(
    ("pattern", "name", "result"),
    [
        ("main", "main", True),
        ("release/*", "release/1.0", True),
        ("release/*", "release/1.0/hotfix", False),
        ("release/**", "release/1.0/hotfix", True),
        ("v[0-9]*", "v1.2", True),
        ("feature-?", "feature-", True),
        ("**", "any/thing", True),
    ],
)
def test_github_glob(pattern: str, name: str, result: bool) -> None:
    assert github_glob_match(pattern, name) is result


def test_workflow_call_detection() -> None:
    assert _workflow("on:\n  workflow_call:\njobs: {}\n").only_reusable
    both = _workflow("on: [workflow_call, workflow_dispatch]\njobs: {}\n")
    assert both.is_reusable and not both.only_reusable


# --------------------------------------------------------------------------
# jobs, needs, environment, permissions


_GRAPH = """
    # leading comment
    name: CI
    on: push
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - run: make
      test:
        needs: build
        runs-on: ubuntu-latest
        steps:
          - run: make test
      lint:
        runs-on: ubuntu-latest
        steps:
          - run: make lint
      deploy:
        needs: [test, lint]
        runs-on: ubuntu-latest
        steps:
          - run: ./deploy.sh
    """


def test_needs_normalised_and_closure() -> None:
    wf = _workflow(_GRAPH)
    assert wf.jobs["test"].needs == ("build",)
    assert wf.jobs["deploy"].needs == ("test", "lint")
    assert wf.needs_closure("deploy") == {"test", "lint", "build"}
    assert wf.jobs["deploy"].needs_closure == {"test", "lint", "build"}
    assert wf.needs_closure("build") == frozenset()
    assert [j.id for j in wf.dependents("build")] == ["test"]
    assert [j.id for j in wf.dependents("build", transitive=True)] == ["test", "deploy"]


def test_subjects_labels_and_lines() -> None:
    parsed = _parse(_GRAPH)
    labels = [(s.label, s.line, s.key, s.kind) for s in parsed.subjects]
    assert labels[0] == ("workflow", 2, "workflow", "github-actions")
    assert ("job:build", 5, "job", "github-actions") in labels
    assert ("job:deploy", 18, "job", "github-actions") in labels
    wf = parsed.workflow
    assert wf.jobs_line == 4
    # The job line, plus `jobs:` for a workflow-wide waiver.
    assert tuple(wf.jobs["test"].waiver_lines()) == (9, 4)


def test_job_locate_maps_into_document() -> None:
    wf = _workflow(_GRAPH)
    deploy = wf.jobs["deploy"]
    assert deploy.locate(("steps", 0, "run")) == (22, 9)
    assert deploy.locate(("needs", 1)) == (19, 19)
    assert deploy.locate(("steps", 5)) == (21, 5)  # nearest known ancestor: `steps`
    assert deploy.locate(()) == (18, 3)
    assert wf.locate(("jobs", "lint")) == (14, 3)


def test_unknown_need_is_parse_error_at_its_line() -> None:
    err = _error(
        """
        on: push
        jobs:
          a:
            runs-on: x
            needs: [b, nope]
        """
    )
    assert "unknown job 'b'" in err.message
    assert (err.line, err.col) == (5, 13)


def test_needs_cycle_is_parse_error() -> None:
    err = _error(
        """
        on: push
        jobs:
          a:
            needs: c
          b:
            needs: a
          c:
            needs: b
        """
    )
    assert "cycle" in err.message and "a -> c -> b -> a" in err.message
    assert err.line == 4


@pytest.mark.parametrize(
    ("value", "name", "dynamic", "text"),
    [
        ("production", "production", False, "production"),
        ("{name: staging, url: 'https://s.example'}", "staging", False, "staging"),
        ("${{ inputs.env }}", None, True, "${{ inputs.env }}"),
        ("deploy-${{ matrix.env }}", None, True, "deploy-${{ matrix.env }}"),
        ("{name: '${{ inputs.env }}'}", None, True, "${{ inputs.env }}"),
    ],
)
def test_environment_forms(value: str, name: str | None, dynamic: bool, text: str) -> None:
    wf = _workflow(f"on: push\njobs:\n  d:\n    environment: {value}\n    runs-on: x\n")
    env = wf.jobs["d"].environment
    assert env is not None
    assert (env.name, env.dynamic, env.text) == (name, dynamic, text)


def test_environment_absent_and_url() -> None:
    wf = _workflow(
        "on: push\njobs:\n  a:\n    runs-on: x\n  b:\n"
        "    environment:\n      name: prod\n      url: https://x\n"
    )
    assert wf.jobs["a"].environment is None
    env = wf.jobs["b"].environment
    assert env is not None and env.url == "https://x" and env.describe() == "environment 'prod'"


@pytest.mark.parametrize(
    ("value", "kind", "declared", "contents"),
    [
        ("read-all", "read-all", True, "read"),
        ("write-all", "write-all", True, "write"),
        ("{}", "none", True, "none"),
        ("{contents: write}", "scopes", True, "write"),
        ("{issues: write}", "scopes", True, "none"),
        ("", "null", False, "unknown"),
    ],
)
def test_permissions_forms(value: str, kind: str, declared: bool, contents: str) -> None:
    wf = _workflow(f"on: push\npermissions: {value}\njobs:\n  a:\n    runs-on: x\n")
    perms = wf.permissions
    assert (perms.kind, perms.declared, perms.scope("contents")) == (kind, declared, contents)
    assert not wf.jobs["a"].permissions.present


def test_job_permissions_replace_workflow_ones() -> None:
    wf = _workflow(
        "on: push\npermissions: read-all\njobs:\n"
        "  a:\n    runs-on: x\n    permissions: {contents: write}\n  b:\n    runs-on: x\n"
    )
    assert wf.jobs["a"].effective_permissions.scopes == {"contents": "write"}
    assert wf.jobs["a"].effective_permissions.scope("issues") == "none"
    assert wf.jobs["b"].effective_permissions.kind == "read-all"


def test_job_fields() -> None:
    wf = _workflow(
        """
        on: push
        env:
          A: workflow
        jobs:
          call:
            uses: octo/repo/.github/workflows/deploy.yml@v1
            with: {target: prod}
            secrets: inherit
            if: github.ref == 'refs/heads/main'
          run:
            name: Run it
            runs-on: [self-hosted, linux]
            timeout-minutes: 15
            continue-on-error: true
            concurrency: {group: deploy, cancel-in-progress: false}
            strategy:
              matrix:
                py: ['3.11', '3.12']
            env:
              B: job
            steps:
              - name: Checkout
                id: co
                uses: actions/checkout@v4
                with:
                  fetch-depth: 0
              - run: echo hi
                shell: bash
                if: always()
                env:
                  A: step
        """
    )
    call = wf.jobs["call"]
    assert call.is_caller and call.uses is not None and call.uses.kind == "reusable-workflow"
    assert call.with_ == {"target": "prod"} and call.secrets == "inherit"
    assert call.if_ == "github.ref == 'refs/heads/main'"
    job = wf.jobs["run"]
    assert job.display == "job 'run' ('Run it')"
    assert job.runs_on == ["self-hosted", "linux"]
    assert job.timeout_minutes == 15 and job.continue_on_error is True
    assert job.concurrency == {"group": "deploy", "cancel-in-progress": False}
    assert job.strategy["matrix"]["py"] == ["3.11", "3.12"]
    first, second = job.steps
    assert (first.index, first.number, first.label) == (0, 1, "step 1 ('Checkout')")
    assert first.id == "co" and first.with_ == {"fetch-depth": 0}
    assert first.uses is not None and first.uses.name == "actions/checkout"
    assert first.line == 22 and job.step_by_id("co") is first
    assert (second.run, second.shell, second.if_, second.label) == (
        "echo hi",
        "bash",
        "always()",
        "step 2",
    )
    assert job.env_value("A", second) == ("step", ("steps", 1, "env", "A"))
    assert job.env_value("B", first) == ("job", ("env", "B"))
    assert job.env_value("A", first) == ("workflow", ("env", "A"))
    assert job.env_value("C") is None


# --------------------------------------------------------------------------
# uses:


@pytest.mark.parametrize(
    ("raw", "kind", "name", "ref", "ref_kind"),
    [
        ("actions/checkout@v4", "action", "actions/checkout", "v4", "version-tag"),
        ("actions/checkout@v4.2.2", "action", "actions/checkout", "v4.2.2", "version-tag"),
        (
            "github/codeql-action/init@" + "a" * 40,
            "action",
            "github/codeql-action/init",
            "a" * 40,
            "sha",
        ),
        ("octo/act@main", "action", "octo/act", "main", "branch"),
        ("octo/act@feature/x", "action", "octo/act", "feature/x", "branch"),
        ("octo/act@11bd719", "action", "octo/act", "11bd719", "short-sha"),
        ("octo/act@stable-ish", "action", "octo/act", "stable-ish", "ref"),
        ("octo/act", "action", "octo/act", None, "missing"),
        (
            "octo/repo/.github/workflows/deploy.yml@v1",
            "reusable-workflow",
            "octo/repo/.github/workflows/deploy.yml",
            "v1",
            "version-tag",
        ),
        ("./.github/actions/setup", "local", "./.github/actions/setup", None, "missing"),
        (
            "./.github/workflows/build.yaml",
            "local-workflow",
            "./.github/workflows/build.yaml",
            None,
            "missing",
        ),
        ("checkout", "invalid", "checkout", None, "missing"),
        # empty and '.' path segments are ignored, as GitHub does
        ("actions/checkout/.@v4", "action", "actions/checkout", "v4", "version-tag"),
        ("actions/checkout////@v4", "action", "actions/checkout", "v4", "version-tag"),
        (
            "github/codeql-action/./init@v3",
            "action",
            "github/codeql-action/init",
            "v3",
            "version-tag",
        ),
        # self-repository references: this repository at the running commit
        ("$/.github/actions/setup", "local", "$/.github/actions/setup", None, "missing"),
        (
            "$/.github/workflows/plan.yml",
            "local-workflow",
            "$/.github/workflows/plan.yml",
            None,
            "missing",
        ),
    ],
)
def test_parse_uses(raw: str, kind: str, name: str, ref: str | None, ref_kind: str) -> None:
    uses = parse_uses(raw)
    assert (uses.kind, uses.name, uses.ref, uses.ref_kind) == (kind, name, ref, ref_kind)


def test_parse_uses_details() -> None:
    sha = parse_uses("actions/checkout@" + "0123456789abcdef" * 2 + "01234567")
    assert sha.is_sha_pinned and sha.slug == "actions/checkout" and sha.is_remote
    wf = parse_uses("octo/repo/.github/workflows/deploy-prod.yml@v1")
    assert wf.is_workflow and wf.file_stem == "deploy-prod" and wf.path.endswith("deploy-prod.yml")
    local = parse_uses("./.github/workflows/release.yml")
    assert local.is_local and local.is_workflow and local.file_stem == "release"
    assert local.local_path == ".github/workflows/release.yml" and not local.is_sha_pinned


@pytest.mark.parametrize(
    ("raw", "name", "tag", "pinned"),
    [
        ("docker://alpine:3.20", "alpine", "3.20", False),
        ("docker://localhost:5000/tool", "localhost:5000/tool", None, False),
        ("docker://ghcr.io/o/t:1@sha256:" + "a" * 64, "ghcr.io/o/t", "1", True),
    ],
)
def test_parse_uses_docker(raw: str, name: str, tag: str | None, pinned: bool) -> None:
    uses = parse_uses(raw)
    assert uses.is_docker and uses.image is not None and not uses.is_remote
    assert (uses.name, uses.image.tag, uses.is_digest_pinned) == (name, tag, pinned)


# --------------------------------------------------------------------------
# expressions


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("github.event['issue']['title']", "github.event.issue.title"),
        ("github.event[ 'issue' ] [ 'title' ]", "github.event.issue.title"),
        ("github . head_ref", "github.head_ref"),
        ("GitHub.Event.Issue.Title", "github.event.issue.title"),
        ("github.event.commits[0].message", "github.event.commits.0.message"),
        ("github.event.pages.*.page_name", "github.event.pages.*.page_name"),
        ("github.event[inputs.key]", "github.event.*"),
        ("steps.my-step.outputs.x", "steps.my-step.outputs.x"),
    ],
)
def test_normalize_context(text: str, normalised: str) -> None:
    assert normalize_context(text) == normalised


def test_find_expressions_positions_and_quotes() -> None:
    text = "echo ${{ '}}' }} ${{github.sha}} ${{ github.event['issue']['title'] }}"
    found = find_expressions(text)
    assert [e.body for e in found] == ["'}}'", "github.sha", "github.event['issue']['title']"]
    assert text[found[1].start : found[1].end] == "${{github.sha}}"
    assert found[0].contexts == ()
    assert found[2].contexts == ("github.event.issue.title",)


@pytest.mark.parametrize(
    ("body", "contexts", "flows"),
    [
        ("github.event.issue.title", ["github.event.issue.title"], ["github.event.issue.title"]),
        ("contains(github.event.issue.title, 'x')", ["github.event.issue.title"], []),
        ("github.head_ref == 'main'", ["github.head_ref"], []),
        ("!github.head_ref", ["github.head_ref"], []),
        ("github.head_ref || 'main'", ["github.head_ref"], ["github.head_ref"]),
        (
            "format('{0}-{1}', github.sha, github.head_ref)",
            ["github.sha", "github.head_ref"],
            ["github.sha", "github.head_ref"],
        ),
        ("toJSON(github.event)", ["github.event"], ["github.event"]),
        ("fromJSON(steps.x.outputs.y).z", ["steps.x.outputs.y"], ["steps.x.outputs.y.z"]),
        (
            "(github.event.pull_request || github.event.issue).number",
            ["github.event.pull_request", "github.event.issue"],
            ["github.event.pull_request.number", "github.event.issue.number"],
        ),
        ("toJSON(github.event)[inputs.k]", ["github.event", "inputs.k"], ["github.event.*"]),
        # `a && b` outputs a only when a is falsy ('', 0, false, null): no text
        ("fromJSON(inputs.ft) && '_ft' || ''", ["inputs.ft"], []),
        (
            "github.event.issue && github.event.issue.title",
            ["github.event.issue", "github.event.issue.title"],
            ["github.event.issue.title"],
        ),
        ("hashFiles(github.event.issue.title)", ["github.event.issue.title"], []),
        ("github.event[inputs.k]", ["github.event.*", "inputs.k"], ["github.event.*"]),
    ],
)
def test_expression_flows(body: str, contexts: list[str], flows: list[str]) -> None:
    (expr,) = find_expressions("${{ " + body + " }}")
    assert expr.node is not None
    assert sorted(expr.contexts) == sorted(contexts)
    assert sorted(flows_of(expr)) == sorted(flows)


def test_unparseable_expression_falls_back_conservatively() -> None:
    (expr,) = find_expressions("${{ github.event.issue.title ?? github.head_ref }}")
    assert expr.node is None
    assert set(flows_of(expr)) == {"github.event.issue.title", "github.head_ref"}


def test_parse_expression_nodes() -> None:
    assert parse_expression("github.event['a'].b") == Ctx(("github", "event", "a", "b"))


@pytest.mark.parametrize(
    ("context", "pattern", "match"),
    [
        ("github.event.issue.title", "github.event.issue.title", True),
        ("github.event.issue", "github.event.issue.title", True),
        ("github.event.issue.number", "github.event.issue.title", False),
        ("github.event.commits.0.message", "github.event.commits.*.message", True),
        ("github.event.head_commit.author.name", "github.event.head_commit.author.*", True),
        ("github.event.*", "github.event.issue.title", True),
        ("github.sha", "github.head_ref", False),
    ],
)
def test_context_matches(context: str, pattern: str, match: bool) -> None:
    assert context_matches(context, pattern) is match


@pytest.mark.parametrize(
    ("condition", "on_failure", "on_success"),
    [
        (None, False, True),
        ("failure()", True, False),
        ("${{ failure() }}", True, False),
        ("${{ !failure() }}", False, True),
        ("always()", True, True),
        ("github.ref == 'refs/heads/main'", False, None),  # implicit success() &&
        ("failure() && github.ref == 'refs/heads/main'", None, False),
        ("x ${{ failure() }}", True, True),  # a string template: always truthy
        ("false", False, False),
        ("failure() ||", None, None),  # unparseable
    ],
)
def test_condition_outcome(
    condition: str | None, on_failure: bool | None, on_success: bool | None
) -> None:
    assert condition_outcome(condition, functions=FAILED) is on_failure
    assert condition_outcome(condition, functions=SUCCEEDED) is on_success


def test_condition_outcome_with_context_values() -> None:
    def failed(path: tuple[str, ...]) -> object:
        return "failure" if path == ("needs", "deploy", "result") else None

    cond = "always() && needs.deploy.result == 'FAILURE'"  # comparisons ignore case
    assert condition_outcome(cond, failed, FAILED) is True


# --------------------------------------------------------------------------
# recognition, skips and parse errors


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no YAML document"),
        ("- a\n- b\n", "the top level is a list"),
        ("name: data\nvalues: [1, 2]\n", "no top-level 'jobs' mapping"),
        ("on: push\njobs: [a, b]\n", "'jobs' is a list"),
        ("on: push\njobs:\n", "'jobs' is empty (null)"),
    ],
)
def test_not_a_workflow_is_skipped_with_reason(text: str, reason: str) -> None:
    parsed = parse(Source("/r/.github/workflows/x.yml", ".github/workflows/x.yml", text))
    assert parsed.subjects == [] and parsed.kind == "github-actions"
    assert parsed.skip_reason.startswith("not a workflow: ")
    assert reason in parsed.skip_reason


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("on: push\njobs:\n  a:\n    runs-on: [x\n", 5, "invalid YAML"),
        (
            "on: push\njobs:\n  a:\n    runs-on: x\n  a:\n    runs-on: y\n",
            5,
            "duplicate key 'jobs.a'",
        ),
        ("on: push\njobs:\n  a: just-a-string\n", 3, "job 'a' must be a mapping"),
        ("on: push\njobs:\n  a:\n    steps: run\n", 4, "steps must be a list"),
        ("on: push\njobs:\n  a:\n    steps:\n      - echo\n", 5, "steps[0] must be a mapping"),
        ("on: push\njobs: {}\n---\non: push\njobs: {}\n", 4, "single YAML document"),
        ("on: 3\njobs: {}\n", 1, "'on' must be"),
        ("on: push\njobs:\n  a:\n    needs: {x: 1}\n", 4, "needs must be a job id"),
    ],
)
def test_parse_errors_carry_lines(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(Source("/r/.github/workflows/x.yml", ".github/workflows/x.yml", text))
    assert info.value.line == line
    assert fragment in info.value.message


def test_anchors_are_resolved() -> None:
    wf = _workflow(
        """
        on: push
        jobs:
          a:
            runs-on: x
            env: &shared
              MODE: ci
            steps: &steps
              - run: make
          b:
            runs-on: x
            env: *shared
            steps: *steps
        """
    )
    assert wf.jobs["b"].env == {"MODE": "ci"}
    assert wf.jobs["b"].steps[0].run == "make"


# --------------------------------------------------------------------------
# cross-file index: local reusable workflows


def test_index_resolves_local_callee(tmp_path: Path) -> None:
    wf_dir = tmp_path / ".github" / "workflows"
    wf_dir.mkdir(parents=True)
    (wf_dir / "deploy.yml").write_text(
        "on:\n  workflow_call:\njobs:\n  release:\n    runs-on: x\n"
        "    steps:\n      - run: helm upgrade --install web ./chart\n"
    )
    (wf_dir / "ci.yml").write_text(
        "on: push\njobs:\n  call-it:\n    uses: ./.github/workflows/deploy.yml\n"
        "  other:\n    uses: ./.github/workflows/missing.yml\n"
    )
    (wf_dir / "notes.md").write_text("not yaml")
    (wf_dir / "broken.yml").write_text("on: push\njobs:\n  a:\n    runs-on: [x\n")
    cache = ParseCache(str(tmp_path))
    parsed = cache.get(str(wf_dir / "ci.yml"), "github-actions")
    assert isinstance(parsed, ParsedFile)
    ship = parsed.workflow.jobs["call-it"]
    assert index_scope(ship) == str(tmp_path)
    context = Context({}, cache)
    index = context.index(ship)
    assert sorted(index.workflows) == [".github/workflows/ci.yml", ".github/workflows/deploy.yml"]
    assert ship.uses is not None
    callee = index.resolve(ship.uses)
    assert callee is not None and list(callee.jobs) == ["release"]
    other = parsed.workflow.jobs["other"]
    assert other.uses is not None and index.resolve(other.uses) is None
    # Deploy reason (e): the callee's jobs deploy.
    jc = classify_job(ship, resolve=index.resolve)
    assert jc.is_deploy
    assert jc.deploy_reasons == (
        "calls reusable workflow './.github/workflows/deploy.yml', whose job(s) 'release' deploy",
    )


def test_index_without_github_dir(tmp_path: Path) -> None:
    index = build_index(str(tmp_path), ParseCache(str(tmp_path)))
    assert index.workflows == {}


# --------------------------------------------------------------------------
# policies built on the model: severities the golden files cannot express


def _findings(
    policy_id: str, text: str, settings: dict[str, object] | None = None
) -> list[tuple[int, Severity, str]]:
    parsed = _parse(text)
    policy = builtin_by_id()[policy_id]
    context = Context(settings or {}, ParseCache("/repo"))
    out: list[tuple[int, Severity, str]] = []
    for subject in parsed.subjects:
        if isinstance(subject, Job) and policy.applies_to(subject):
            finding = evaluate(policy, subject, context)
            out += [(v.line, v.severity, v.message) for v in finding.violations]
    return out


def test_gha_003_severity_by_owner() -> None:
    found = _findings(
        "GHA-003",
        """
        on: push
        jobs:
          a:
            runs-on: x
            steps:
              - uses: actions/checkout@v4
              - uses: github/codeql-action/init@v3
              - uses: docker/login-action@v3
              - uses: docker://alpine:3
        """,
    )
    assert [(line, sev) for line, sev, _ in found] == [
        (6, Severity.MEDIUM),
        (7, Severity.MEDIUM),
        (8, Severity.HIGH),
        (9, Severity.HIGH),
    ]
    assert found[0][2] == "step 1 uses 'actions/checkout@v4' (a tag, not a commit SHA)"


def test_gha_003_rejects_bad_pin_policy() -> None:
    with pytest.raises(ValueError, match=r"gha\.pin_policy"):
        _findings(
            "GHA-003",
            "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: a/b@v1\n",
            {"gha.pin_policy": {"*": "loose"}},
        )


def test_gha_008_severity_and_message() -> None:
    found = _findings(
        "GHA-008",
        """
        on:
          issues:
          workflow_dispatch:
            inputs:
              name:
                type: string
        jobs:
          a:
            runs-on: x
            steps:
              - run: echo "${{ github.event.issue.title }} ${{ inputs.name }}"
        """,
    )
    assert [(line, sev) for line, sev, _ in found] == [
        (11, Severity.CRITICAL),
        (11, Severity.MEDIUM),
    ]
    assert "github.event.issue.title (attacker-controlled)" in found[0][2]


def test_gha_008_extra_tainted_contexts_setting() -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: x\n"
        "    steps:\n      - run: echo ${{ github.event.ref }}\n"
    )
    assert _findings("GHA-008", text) == []
    found = _findings("GHA-008", text, {"gha.tainted_contexts": ["github.event['ref']"]})
    assert [line for line, _, _ in found] == [6]


@pytest.mark.parametrize(("ref", "severity"), [("v4", Severity.MEDIUM), ("v6.0.1", Severity.LOW)])
def test_gha_010_is_low_from_checkout_v6(ref: str, severity: Severity) -> None:
    # checkout v6 keeps the credentials under $RUNNER_TEMP, not in .git/config
    text = f"""
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@{ref}
              - run: make
        """
    assert [sev for _, sev, _ in _findings("GHA-010", text)] == [severity]
