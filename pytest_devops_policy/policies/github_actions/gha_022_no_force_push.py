"""GHA-022: no step rewrites a branch's history with a force push."""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Sequence
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.ci.force_push import (
    ForcePush,
    command_force_pushes,
    is_protected,
    literal_value,
    push_args_force,
)
from pytest_devops_policy.knowledge.ci.patterns import DEFAULT_BRANCHES
from pytest_devops_policy.knowledge.ci.scripts import run_script
from pytest_devops_policy.options import GhaOptions

Found = tuple[ForcePush, tuple[PathPart, ...], str]  # (the push, where, what does it)


def _flag(value: Any) -> bool | None:
    """An action's boolean input: True/False, None for an expression."""
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    if "${{" in text:
        return None
    return text.lower() == "true"


def _branch_input(step: Step, *names: str) -> str | None:
    for name in names:
        value = step.with_.get(name)
        if value is not None and str(value).strip():
            text = str(value).strip().removeprefix("refs/heads/")
            return None if "${{" in text else text
    return None


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _action_pushes(step: Step) -> Iterator[Found | Unknown]:
    uses = step.uses
    if uses is None or not uses.is_remote:
        return
    slug = uses.slug.lower()
    where = f"{step.label} ({uses.name})"
    if slug == "ad-m/github-push-action":
        for name in ("force", "force_with_lease"):
            if name not in step.with_:
                continue
            on = _flag(step.with_[name])
            if on is None:
                yield Unknown(f"{where} sets '{name}' from an expression ({step.with_[name]})")
            elif on:
                push = ForcePush(f"{name}: true", _branch_input(step, "branch"))
                yield push, step.path("with", name), where
    elif slug == "stefanzweifel/git-auto-commit-action":
        options = step.with_.get("push_options")
        if isinstance(options, str):
            for push in push_args_force(_split(options)):
                forced = ForcePush(push.how, _branch_input(step, "branch"))
                yield forced, step.path("with", "push_options"), where
    elif slug == "endbug/add-and-commit":
        args = step.with_.get("push")
        if isinstance(args, str) and args.strip().lower() not in ("true", "false"):
            for push in push_args_force(_split(args)):
                yield push, step.path("with", "push"), where


def _run_pushes(step: Step) -> Iterator[Found]:
    if step.run is None:
        return
    rs = run_script(step.run)
    # Literal values the script can see: `branch="bump-hooks"` before the push decides
    # whether the target is a protected branch.
    known = {str(k): v for k, val in step.env.items() if (v := literal_value(val)) is not None}
    for c, push in command_force_pushes(rs.script.commands, known):
        shown = " ".join(c.words)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        yield push, step.path("run"), f"{step.label} ('{shown}')"


def _severity(push: ForcePush, default_branches: Sequence[str]) -> Severity:
    if not push.tag and is_protected(push.target, default_branches):
        return Severity.CRITICAL
    return Severity.HIGH


@policy(
    id="GHA-022",
    name="no-force-push",
    title="Workflows do not force-push",
    severity=Severity.CRITICAL,
    rationale=(
        "A force push replaces a branch's history: reviewed commits disappear, the "
        "audit trail of what was deployed is rewritten, and everyone building on the "
        "branch is broken. From CI it happens with the workflow's token, unattended, "
        "and on a production or release branch it bypasses the reviews that branch "
        "protection is meant to enforce. Critical when the target is main, master, "
        "prod*, release*, a default branch (gha.default_branches) or cannot be known "
        "statically; high for other branches (gh-pages) and tags."
    ),
    remediation=(
        "Push without force (git push origin HEAD:<branch>); if the branch moved, "
        "rebase or merge and push again, or open a pull request (peter-evans/"
        "create-pull-request). Generated branches such as gh-pages are better "
        "published with actions/upload-pages-artifact + actions/deploy-pages. Protect "
        "main/release branches against force pushes in the repository settings."
    ),
    controls=("NIST-800-53-CM-3", "OpenSSF-Scorecard-Branch-Protection"),
    references=("checkov:CKV_GITHUB_5", "scorecard:Branch-Protection"),
    applies=lambda job: bool(job.steps),
    example=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "permissions:\n"
        "  contents: write\n"
        "jobs:\n"
        "  bump:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: |\n"
        "          npm version patch --no-git-tag-version\n"
        "          git commit -am 'chore: bump version'\n"
        "          git push --force origin HEAD:main\n"
    ),
    use_instead=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "permissions: {}\n"
        "jobs:\n"
        "  bump:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions:\n"
        "      contents: write\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "        with:\n"
        "          persist-credentials: true\n"
        "      - run: |\n"
        "          npm version patch --no-git-tag-version\n"
        "          git commit -am 'chore: bump version'\n"
        "          git pull --rebase origin main\n"
        "          git push origin HEAD:main\n"
    ),
)
def no_force_push(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    default_branches = context.options(GhaOptions).default_branches or DEFAULT_BRANCHES
    for step in job.steps:
        for found in (*_run_pushes(step), *_action_pushes(step)):
            if isinstance(found, Unknown):
                yield found
                continue
            push, path, where = found
            severity = _severity(push, default_branches)
            why = (
                "a protected branch's history is rewritten"
                if severity is Severity.CRITICAL
                else "history others may rely on is rewritten"
            )
            if push.target is None:
                why = "the target is not known statically, so it may be a protected branch"
            yield Violation(
                f"{where} force-pushes ({push.how}) to {push.describe()}: {why}; push "
                "without force, or open a pull request",
                path=path,
                severity=severity,
            )
