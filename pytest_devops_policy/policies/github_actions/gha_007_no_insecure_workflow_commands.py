"""GHA-007: the deprecated ``set-env``/``add-path`` workflow commands stay disabled and unused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.expressions import Ctx, find_expressions
from pytest_devops_policy.formats.github_actions.workflow import Job

SWITCH = "ACTIONS_ALLOW_UNSECURE_COMMANDS"
# The runner reads workflow commands from any output line; the names are case-insensitive.
_COMMAND = re.compile(r"::(set-env|add-path)\b", re.IGNORECASE)


def _truthy(value: Any) -> bool | None:
    """How the runner reads the switch: ``true`` (any case) or ``1``; None: an expression."""
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    if "${{" in text:
        return None
    return text.lower() in ("true", "1")


def _switches(job: Job) -> Iterator[tuple[str, Any, int | None, tuple[Any, ...] | None]]:
    """Every place the switch is set for this job: (where, value, line, job-relative path)."""
    workflow_env = job.workflow.env
    if SWITCH in workflow_env:
        line, _ = job.workflow.document.locate(("env", SWITCH)) or (job.line, 1)
        yield "the workflow's env", workflow_env[SWITCH], line, None
    if SWITCH in job.env:
        yield f"{job.display}'s env", job.env[SWITCH], None, ("env", SWITCH)
    for step in job.steps:
        if SWITCH in step.env:
            yield f"{step.label}'s env", step.env[SWITCH], None, step.path("env", SWITCH)
    # A whole env given by an expression (env: ${{ matrix.env }}) sets whatever it evaluates to.
    owners: list[tuple[str, Any, tuple[Any, ...]]] = [
        (f"{job.display}'s env", job.raw.get("env"), ("env",))
    ]
    owners += [(f"{s.label}'s env", s.raw.get("env"), s.path("env")) for s in job.steps]
    for where, value, path in owners:
        if isinstance(value, str) and "${{" in value:
            for found, at in _expression_env(job, value):
                yield f"{where} (an expression, {value.strip()})", found, at, path


def _expression_env(job: Job, text: str) -> Iterator[tuple[Any, int | None]]:
    """The values the switch takes in an ``env`` that is one expression: each static matrix
    mapping that sets it, or the expression itself when it cannot be resolved."""
    exprs = find_expressions(text.strip())
    node = exprs[0].node if len(exprs) == 1 and exprs[0].text == text.strip() else None
    matrix = job.strategy.get("matrix")
    if not (isinstance(node, Ctx) and len(node.path) == 2 and node.path[0] == "matrix"):
        yield text, None
        return
    if not isinstance(matrix, dict):
        yield text, None
        return
    rows = matrix.get(node.path[1], [])
    rows = list(rows) if isinstance(rows, list) else [text]
    include = matrix.get("include", [])
    rows += [e[node.path[1]] for e in include if isinstance(e, dict) and node.path[1] in e]
    for row in rows:
        if isinstance(row, dict):
            if SWITCH in row:
                yield row[SWITCH], None
        elif isinstance(row, str) and "${{" in row:
            yield row, None


@policy(
    id="GHA-007",
    name="no-insecure-workflow-commands",
    title="The set-env and add-path workflow commands stay disabled",
    severity=Severity.HIGH,
    rationale=(
        "The '::set-env' and '::add-path' commands were disabled in 2020 because any line "
        "a step prints could use them: a log line, a test name or a fetched file that "
        "contains '::set-env name=LD_PRELOAD::…' or '::add-path::…' changes the environment "
        "of every later step, which is arbitrary code execution in a job that may hold "
        "secrets and a write token. ACTIONS_ALLOW_UNSECURE_COMMANDS turns them back on."
    ),
    remediation=(
        "Remove ACTIONS_ALLOW_UNSECURE_COMMANDS, and write to the environment files instead: "
        'echo "NAME=value" >> "$GITHUB_ENV" and echo "/some/bin" >> "$GITHUB_PATH".'
    ),
    controls=("CWE-77", "OpenSSF-Scorecard-Dangerous-Workflow"),
    references=(
        "checkov:CKV_GHA_1",
        "zizmor:insecure-commands",
        "actionlint:deprecated-commands",
        "https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/",
    ),
    example=(
        "on: push\n"
        "permissions: {}\n"
        "env:\n"
        "  ACTIONS_ALLOW_UNSECURE_COMMANDS: true\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        '      - run: echo "::add-path::$HOME/bin"\n'
    ),
    use_instead=(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        '      - run: echo "$HOME/bin" >> "$GITHUB_PATH"\n'
    ),
)
def no_insecure_workflow_commands(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    for where, value, line, path in _switches(job):
        on = _truthy(value)
        if on is None:
            yield Unknown(
                f"{SWITCH} in {where} is set by an expression ({value}); if it evaluates to "
                "true, the '::set-env' and '::add-path' commands are re-enabled"
            )
            continue
        if on:
            message = (
                f"{where} sets {SWITCH}: {value}, which re-enables the '::set-env' and "
                "'::add-path' commands for every step it reaches"
            )
            yield Violation(message, path=path, line=line)
    for step in job.steps:
        if step.run is None:
            continue
        found = _COMMAND.search(step.run)
        if found is not None:
            yield Violation(
                f"{step.label} emits the deprecated '::{found.group(1).lower()}' workflow "
                "command; write to $GITHUB_ENV or $GITHUB_PATH instead",
                path=step.path("run"),
            )
