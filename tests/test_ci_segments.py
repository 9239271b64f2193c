"""CI run: scripts are read by knowledge/shell (the RUN-line reader): what that reader adds
over the hand-written splitter the classifier used before."""

from __future__ import annotations

import pytest

from pytest_devops_policy.knowledge.ci.classify import (
    JobClass,
    JobFacts,
    StepFacts,
    classify,
    command_segments,
    shell_rollback,
)


def _run(script: str) -> JobClass:
    return classify(JobFacts(id="build", steps=(StepFacts(0, "step 1", run=script),)))


def test_line_continuations_are_one_command() -> None:
    # The old splitter cut at every newline, so `--atomic` on the next line was lost.
    script = "helm upgrade web ./chart \\\n  --install \\\n  --atomic"
    (seg,) = command_segments(script)
    assert seg.text == script and seg.line == 1
    assert _run(script).auto_rollback


def test_substitutions_inside_double_quotes_run_commands() -> None:
    segs = command_segments('echo "deployed: $(kubectl apply -f k8s/)"')
    assert [(s.text, s.op) for s in segs][1] == ("kubectl apply -f k8s/", "(")
    assert _run('echo "$(kubectl apply -f k8s/)"').is_deploy


def test_loops_and_groups() -> None:
    segs = command_segments("for f in k8s/*.yml; do kubectl apply -f $f; done")
    assert [(s.text, s.keywords) for s in segs] == [
        ("kubectl apply -f $f", ("do",)),
        ("done", ()),
    ]
    assert shell_rollback("{ helm upgrade web .; } || helm rollback web") is None


def test_unsupported_syntax_goes_through_the_fallback() -> None:
    # bashlex has no [[ ]] or case: the tokenizer fallback still finds every command.
    script = '[[ "$ENV" == prod ]] && helm upgrade web . || helm rollback web'
    assert [s.text for s in command_segments(script)][1:] == [
        "helm upgrade web .",
        "helm rollback web",
    ]
    assert shell_rollback(script) == "'helm rollback' runs when 'helm upgrade' fails ('||')"
    case = "case $ENV in\n  prod) kubectl apply -f k8s/ ;;\nesac"
    assert _run(case).deploy_steps[0].what == "kubectl apply"


def test_sh_c_strings_are_not_segments() -> None:
    # As before: a command inside a quoted `sh -c` string is not matched.
    assert not _run("sh -c 'kubectl apply -f k8s/'").is_deploy


def test_github_expressions_are_placeholders_for_the_shell() -> None:
    segs = command_segments('curl -fsS "${{ steps.url.outputs.value }}/healthz"')
    assert segs[0].text == 'curl -fsS "__EXPR__/healthz"'
    assert _run('curl -fsS "${{ steps.url.outputs.value }}/healthz"').verify_steps


@pytest.mark.parametrize(
    ("script", "command"),
    [
        ("uv run --locked --group pre-commit pre-commit run --all-files", "pre-commit run"),
        ("uv run --python 3.12 --with pytest-cov pytest -q", "pytest -q"),
        ("uvx --from ruff==0.6.0 ruff check .", "ruff check ."),
        ("pipx run --spec black==24.1 black --check .", "black --check ."),
        ("poetry run --directory app mypy src", "mypy src"),
    ],
)
def test_runner_options_that_take_a_value_are_skipped(script: str, command: str) -> None:
    # `--group pre-commit` is an option and its value; the command is what follows.
    assert command_segments(script)[0].text.startswith(command)


def test_expressions_are_replaced_quote_aware() -> None:
    # A `}}` inside an expression's string literal does not end it.
    seg = command_segments("deploy --tag ${{ format('{0}}}', github.sha) }} --wait")[0]
    assert seg.text == "deploy --tag __EXPR__ --wait"
