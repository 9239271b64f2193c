"""GHA-023: pull requests run lint and tests, and so do pushes to the default branch."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.repository import Repository, runs_on_github
from pytest_devops_policy.formats.github_actions.workflow import Workflow
from pytest_devops_policy.knowledge.ci.classify import ClassifierConfig, classify_job
from pytest_devops_policy.knowledge.ci.lint import lint_actions, lint_commands, lint_hits
from pytest_devops_policy.knowledge.ci.pull_requests import (
    called_actions,
    filter_note,
    pr_events,
    ran_jobs,
    workflow_path,
)
from pytest_devops_policy.options import GhaOptions

# Directories whose changes a check need not run for.
_NOT_SOURCE = frozenset({"docs", "doc", "documentation"})


@policy(
    id="GHA-023",
    name="commit-checks-present",
    title="Pull requests and pushes to the default branch run lint and tests",
    severity=Severity.MEDIUM,
    rationale=(
        "Every change should be linted and tested before it is merged, and the default "
        "branch again after it: without automated commit checks, broken or unreviewed code "
        "reaches the branch every deploy is built from."
    ),
    remediation=(
        "Add a workflow triggered on pull_request (or merge_group) and on push to the default "
        "branch that runs a linter (ruff, eslint, golangci-lint, pre-commit run...) and the "
        "tests (pytest, npm test, go test...). If branch protection requires these checks, "
        "set gha.assume_required_checks = true to drop the push requirement."
    ),
    controls=("NIST-800-53-SA-11", "NIST-800-53-CM-3", "OpenSSF-Scorecard-CI-Tests"),
    references=(
        "scorecard:CI-Tests",
        "https://docs.github.com/en/actions/using-workflows/events-that-trigger-workflows#pull_request",
    ),
    applies=runs_on_github,
    example=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: pytest\n"
    ),
    use_instead=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "  pull_request:\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  lint:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: ruff check .\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: pytest\n"
    ),
)
def commit_checks_present(
    repository: Repository, context: Context
) -> Iterator[Violation | Unknown]:
    options = context.options(GhaOptions)
    cfg = ClassifierConfig.from_options(options)
    commands = lint_commands(options.lint_patterns)
    actions = lint_actions(options.lint_actions)
    index = context.index(repository)
    sources = tuple(d for d in repository.top_dirs if d.lower() not in _NOT_SOURCE)
    lint: dict[str, str] = {}  # workflow path -> what lints there
    tests: dict[str, str] = {}
    pr_files: list[str] = []
    notes: list[str] = []
    remote: list[str] = []
    check_workflows: dict[str, Workflow] = {}
    for wf in index.workflows.values():
        path = workflow_path(wf)
        events = []
        for event in pr_events(wf):
            trigger = wf.on.get(event)
            note = filter_note(trigger, sources) if trigger is not None else None
            if note is not None:
                notes.append(f"{path} does not count: {note}")
            else:
                events.append(event)
        if pr_events(wf):
            pr_files.append(path)
        # Every workflow may be the one that checks pushes; only pull-request ones count
        # for the pull-request half.
        for event in events or ["push"]:
            for ran in ran_jobs(wf, event, index.resolve, remote):
                jc = classify_job(ran.job, cfg)
                # (steps that run, where they are, the test evidence found there)
                units = [(list(ran.steps(event)), ran.where(), list(jc.test_reasons[:1]))]
                for called in called_actions(ran, event, index.resolve_action):
                    steps = list(called.steps(event))
                    ran_here = {s.index for s in steps}
                    test_hits = classify_job(called.job, cfg).test_steps
                    # a composite action's test *steps* count; its name says nothing
                    units.append(
                        (
                            steps,
                            called.where,
                            [h.describe("test command") for h in test_hits if h.index in ran_here],
                        )
                    )
                for steps, where, test_found in units:
                    for step in steps:
                        hits = lint_hits(
                            step.run, step.uses.name if step.uses else None, commands, actions
                        )
                        if hits:
                            check_workflows[path] = wf
                            if events:
                                lint.setdefault(path, f"{where} {step.label} runs '{hits[0]}'")
                    if test_found:
                        check_workflows[path] = wf
                        if events:
                            tests.setdefault(path, f"{where}: {test_found[0]}")
    if repository.pre_commit_ci and not lint:
        lint[".pre-commit-config.yaml"] = ".pre-commit-config.yaml: pre-commit.ci (its ci: table)"
    problems: list[str] = []
    if not pr_files:
        problems.append(
            f"no workflow runs on pull requests (pull_request or merge_group) in "
            f"{repository.display}, so no change is linted or tested before it is merged"
        )
    else:
        if not lint:
            problems.append(
                "no pull-request workflow runs a linter (ruff, flake8, mypy, eslint, "
                "golangci-lint, pre-commit run, prettier --check, cargo clippy...)"
                + (
                    " (.pre-commit-config.yaml has no ci: table, the sign that pre-commit.ci "
                    "runs it on pull requests: if it does, add one (ci: {skip: []} changes "
                    "nothing))"
                    if repository.pre_commit_config
                    else ""
                )
            )
        if not tests:
            problems.append(
                "no pull-request workflow runs tests (pytest, tox, npm test, go test, "
                "cargo test, mvn verify, gradle test...)"
            )
    branches = " or ".join(cfg.default_branches)
    pushed = any(
        wf.on.pushes_branch(b) for wf in check_workflows.values() for b in cfg.default_branches
    )
    if not options.assume_required_checks and not pushed:
        if check_workflows:
            problems.append(
                f"the workflows that lint or test ({', '.join(sorted(check_workflows))}) are "
                f"not triggered by a push to {branches}, so the merged result is never "
                "checked (set gha.assume_required_checks = true if branch protection "
                "requires the checks)"
            )
        else:
            problems.append(f"no workflow lints or tests a push to {branches} either")
    if not problems:
        return
    if (
        remote
        and pr_files
        and (not lint or not tests)
        and len(problems) == ((not lint) + (not tests))
    ):
        yield Unknown(
            "the pull-request workflows run no "
            + " or ".join(w for w, ok in (("lint", lint), ("tests", tests)) if not ok)
            + f" that can be read here, but {'; '.join(remote[:3])}: a remote reusable "
            "workflow may run them"
        )
        return
    found = [*lint.values(), *tests.values()]
    message = "; ".join(problems)
    if found:
        message += ". Found: " + "; ".join(found[:4])
    if notes:
        message += ". Note: " + "; ".join(notes[:3])
    yield Violation(message)
