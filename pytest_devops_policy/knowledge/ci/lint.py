"""Lint and format-check commands and actions (GHA-023: a pull request runs lint and tests).

Matched like the classifier's tables (``patterns``): a ``CommandPattern`` at the start of a
command segment of a ``run:`` script (``segments``), so ``echo "ruff check"`` is no lint
while ``uv run ruff check .`` is; an ``ActionPattern`` over a ``uses:`` action name.
Formatters count only in their check mode (``black --check``, ``prettier --check``,
``cargo fmt --check``): ``black .`` rewrites files and fails nothing.
Extendable with ``gha.lint_patterns`` and ``gha.lint_actions``.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_devops_policy.knowledge.ci.patterns import PATH_PREFIX, ActionPattern, CommandPattern
from pytest_devops_policy.knowledge.ci.segments import (
    command_segments,
    match_action,
    match_commands,
)

__all__ = ["LINT_ACTIONS", "LINT_COMMANDS", "lint_actions", "lint_commands", "lint_hits"]

import re

# Options between a program and its subcommand, as in ``patterns`` (``cargo +nightly clippy``).
_O = r"(?:\s+(?:--?[A-Za-z][\w.-]*(?:=\S*)?|\+\S+))*"
_PY = r"(?:python[\d.]*\s+-m\s+)?"  # `python -m mypy` as well as `mypy`


def _c(label: str, template: str, family: str) -> CommandPattern:
    return CommandPattern(label, re.compile(PATH_PREFIX + template.replace("{O}", _O)), family)


LINT_COMMANDS: tuple[CommandPattern, ...] = (
    _c("ruff check", _PY + r"ruff{O}\s+check\b", "python"),
    _c("ruff format --check", _PY + r"ruff{O}\s+format\b.*\s--(?:check|diff)\b", "python"),
    _c("flake8", _PY + r"flake8\b", "python"),
    _c("pylint", _PY + r"pylint\b", "python"),
    _c("mypy", _PY + r"mypy\b", "python"),
    _c("pyright", _PY + r"(?:pyright|basedpyright)\b", "python"),
    _c("black --check", _PY + r"black\b.*\s--(?:check|diff)\b", "python"),
    _c("isort --check", _PY + r"isort\b.*\s--(?:check|check-only|diff)\b", "python"),
    _c("pre-commit run", _PY + r"(?:pre-commit|prek){O}\s+run\b", "pre-commit"),
    _c("tox -e lint", r"tox\b.*\s-e\s*\S*(?:lint|style|typing|mypy|check)", "python"),
    _c("nox -s lint", r"nox\b.*\s-s\s*\S*(?:lint|style|typing|mypy|check)", "python"),
    _c("eslint", r"eslint\b", "js"),
    _c("npm/yarn/pnpm lint", r"(?:npm|yarn|pnpm|bun){O}\s+(?:run\s+)?lint[\w:-]*", "js"),
    _c("tsc --noEmit", r"tsc\b.*\s--noEmit\b", "js"),
    _c("prettier --check", r"prettier\b.*\s(?:--check|--list-different|-c|-l)\b", "js"),
    _c("biome check/lint/ci", r"biome{O}\s+(?:check|lint|ci)\b", "js"),
    _c("stylelint", r"stylelint\b", "js"),
    _c("golangci-lint run", r"golangci-lint{O}\s+run\b", "go"),
    _c("gofmt -l", r"gofmt\b.*\s-l\b", "go"),
    _c("go vet", r"go{O}\s+vet\b", "go"),
    _c("staticcheck", r"staticcheck\b", "go"),
    _c("cargo clippy", r"cargo{O}\s+clippy\b", "rust"),
    _c("cargo fmt --check", r"cargo{O}\s+fmt\b.*\s--check\b", "rust"),
    _c("rubocop", r"(?:bundle\s+exec\s+)?rubocop\b", "ruby"),
    _c("standardrb", r"standardrb\b", "ruby"),
    _c("phpcs/phpstan/psalm", r"(?:vendor/bin/)?(?:phpcs|phpstan|psalm)\b", "php"),
    _c(
        "dotnet format --verify-no-changes",
        r"dotnet{O}\s+format\b.*\s--verify-no-changes\b",
        "dotnet",
    ),
    _c("ktlint/detekt", r"(?:ktlint|detekt)\b", "kotlin"),
    _c(
        "gradle lint/check tasks",
        r"gradlew?\b.*\s:?(?:[\w-]+:)*(?:spotlessCheck|ktlintCheck|detekt|checkstyle\w*|lint)\b",
        "gradle",
    ),
    _c(
        "mvn checkstyle/spotless check",
        r"mvnw?\b.*\s(?:checkstyle:check|spotless:check)\b",
        "maven",
    ),
    _c("shellcheck", r"shellcheck\b", "shell"),
    _c("shfmt -d", r"shfmt\b.*\s-d\b", "shell"),
    _c("hadolint", r"hadolint\b", "docker"),
    _c("actionlint", r"actionlint\b", "github-actions"),
    _c("yamllint", _PY + r"yamllint\b", "yaml"),
    _c("markdownlint", r"markdownlint(?:-cli2?)?\b", "markdown"),
    _c("terraform fmt -check", r"(?:terraform|tofu){O}\s+fmt\b.*\s-check\b", "terraform"),
    _c("terraform validate", r"(?:terraform|tofu){O}\s+validate\b", "terraform"),
    _c("tflint", r"tflint\b", "terraform"),
    _c("helm lint", r"helm{O}\s+lint\b", "helm"),
    _c("buf lint", r"buf{O}\s+lint\b", "protobuf"),
    _c(
        "make lint",
        r"make\b(?:.*\s)?(?:lint|check-format|format-check|fmt-check|vet|style)\b",
        "make",
    ),
    _c("just lint", r"just\b(?:.*\s)?lint\b", "make"),
)

LINT_ACTIONS: tuple[ActionPattern, ...] = (
    ActionPattern("pre-commit/action", "pre-commit"),
    ActionPattern("pre-commit-ci/lite-action", "pre-commit"),
    ActionPattern("golangci/golangci-lint-action", "go"),
    ActionPattern("dominikh/staticcheck-action", "go"),
    ActionPattern("astral-sh/ruff-action", "python"),
    ActionPattern("chartboost/ruff-action", "python"),
    ActionPattern("psf/black", "python"),
    ActionPattern("py-actions/flake8", "python"),
    ActionPattern("reviewdog/*", "reviewdog"),
    ActionPattern("github/super-linter", "super-linter"),
    ActionPattern("super-linter/super-linter", "super-linter"),
    ActionPattern("oxsecurity/megalinter", "megalinter"),
    ActionPattern("wearerequired/lint-action", "lint-action"),
    ActionPattern("rhysd/actionlint", "github-actions"),
    ActionPattern("raven-actions/actionlint", "github-actions"),
    ActionPattern("hadolint/hadolint-action", "docker"),
    ActionPattern("jbergstroem/hadolint-gh-action", "docker"),
    ActionPattern("ludeeus/action-shellcheck", "shell"),
    ActionPattern("ibiqlik/action-yamllint", "yaml"),
    ActionPattern("davidanson/markdownlint-cli2-action", "markdown"),
    ActionPattern("actions-rs/clippy-check", "rust"),
    ActionPattern("giraffate/clippy-action", "rust"),
    ActionPattern("trunk-io/trunk-action", "trunk"),
    ActionPattern("errata-ai/vale-action", "prose"),
)


def lint_commands(extra: Sequence[str] = ()) -> tuple[CommandPattern, ...]:
    """The built-in lint commands plus ``gha.lint_patterns`` (regexes at a command start)."""
    return LINT_COMMANDS + tuple(
        CommandPattern(p, re.compile(PATH_PREFIX + p.removeprefix("^")), "custom") for p in extra
    )


def lint_actions(extra: Sequence[str] = ()) -> tuple[ActionPattern, ...]:
    """The built-in lint actions plus ``gha.lint_actions`` (globs over owner/repo[/path])."""
    return LINT_ACTIONS + tuple(ActionPattern(g, "custom") for g in extra)


def lint_hits(
    run: str | None,
    action: str | None,
    commands: Sequence[CommandPattern] = LINT_COMMANDS,
    actions: Sequence[ActionPattern] = LINT_ACTIONS,
) -> list[str]:
    """What lints in one step: the matched command texts, or the action's name."""
    found: list[str] = []
    if run:
        found += [m.text for m in match_commands(command_segments(run), commands)]
    if action and match_action(action, actions) is not None:
        found.append(action)
    return found
