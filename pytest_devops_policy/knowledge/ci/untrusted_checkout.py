"""Does a job check out the pull request's code (untrusted) in a privileged workflow?

``pull_request_target`` and ``workflow_run`` run with the base repository's secrets and a
token that may write, but a job that checks out the head of the pull request (or of the run
that triggered it) then holds code any fork author wrote (catalog GHA-009, GHA-006).

Untrusted checkout (catalog GHA-009):

* ``actions/checkout`` whose ``ref`` comes from ``github.event.pull_request.head.sha|ref``,
  ``github.head_ref``, ``github.event.workflow_run.head_sha|head_branch`` (also the PR's
  ``merge_commit_sha``), or names ``refs/pull/…``; or whose ``repository`` is the head
  repository (``github.event.pull_request.head.repo.full_name``, the fork);
* a ``run`` that does ``gh pr checkout``, ``git fetch <remote> pull/…`` (or ``refs/pull/…``),
  or fetches / checks out one of those event values.

``untrusted_checkouts(job)`` lists them in step order; ``PRIVILEGED_TRIGGERS`` and
``is_privileged(workflow)`` tell which workflows this concerns.
"""

from __future__ import annotations

from dataclasses import dataclass

from pytest_devops_policy.formats.github_actions.expressions import find_expressions
from pytest_devops_policy.formats.github_actions.workflow import Job, Step, Workflow
from pytest_devops_policy.knowledge.ci.script_exprs import script_commands
from pytest_devops_policy.knowledge.ci.taint import context_matches, flows

__all__ = [
    "PRIVILEGED_TRIGGERS",
    "UNTRUSTED_REFS",
    "UntrustedCheckout",
    "is_privileged",
    "untrusted_checkouts",
]

PRIVILEGED_TRIGGERS: tuple[str, ...] = ("pull_request_target", "workflow_run")

# Event values that name the pull request's (or triggering run's) code.
UNTRUSTED_REFS: tuple[str, ...] = (
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
)
_UNTRUSTED_REPOS: tuple[str, ...] = (
    "github.event.pull_request.head.repo.full_name",
    "github.event.workflow_run.head_repository.full_name",
)


@dataclass(frozen=True)
class UntrustedCheckout:
    """A step that puts untrusted code in the workspace, and how (for messages)."""

    step: Step
    how: str


def is_privileged(workflow: Workflow) -> bool:
    """Triggered by ``pull_request_target`` or ``workflow_run``."""
    return any(t in workflow.on for t in PRIVILEGED_TRIGGERS)


def _untrusted_context(value: object, patterns: tuple[str, ...]) -> str | None:
    """The first untrusted context whose value reaches the text of ``value``."""
    if not isinstance(value, str):
        return None
    for expr in find_expressions(value):
        for ctx in flows(expr):
            # Exactly the field (or below it): `github.event.pull_request` alone is an object.
            if any(
                context_matches(ctx, p) and len(ctx.split(".")) >= len(p.split("."))
                for p in patterns
            ):
                return ctx
    return None


def _checkout_action(step: Step) -> str | None:
    uses = step.uses
    if uses is None or not uses.is_remote or uses.name.lower() != "actions/checkout":
        return None
    ref = step.with_.get("ref")
    ctx = _untrusted_context(ref, UNTRUSTED_REFS)
    if ctx is not None:
        return f"actions/checkout with ref from {ctx}"
    if isinstance(ref, str) and "refs/pull/" in ref:
        return f"actions/checkout of {ref.strip()}"
    ctx = _untrusted_context(step.with_.get("repository"), _UNTRUSTED_REPOS)
    if ctx is not None:
        return f"actions/checkout of the head repository ({ctx})"
    return None


def _git_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words after ``git`` and its global options (``-C dir``, ``-c k=v``)."""
    i = 1
    while i < len(words) and words[i].startswith("-"):
        i += 2 if words[i] in ("-C", "-c", "--git-dir", "--work-tree") else 1
    return words[i:]


def _checkout_run(step: Step) -> str | None:
    if step.run is None:
        return None
    for cmd in script_commands(step.run):
        words = cmd.command.words
        if cmd.name == "gh" and words[1:3] == ("pr", "checkout"):
            return "gh pr checkout"
        if cmd.name != "git":
            continue
        rest = _git_words(words)
        if not rest or rest[0] not in ("fetch", "pull", "checkout", "switch", "reset"):
            continue
        for word in rest[1:]:
            bare = word.lstrip("+")
            if rest[0] in ("fetch", "pull") and bare.startswith(("pull/", "refs/pull/")):
                return f"git {rest[0]} {cmd.shown(word)}"
            for expr in cmd.word_expressions(word):
                ctx = _untrusted_context(expr.text, UNTRUSTED_REFS)
                if ctx is not None:
                    return f"git {rest[0]} of {ctx}"
    return None


def untrusted_checkouts(job: Job) -> list[UntrustedCheckout]:
    """Every step of ``job`` that checks out the pull request's code, in order."""
    out: list[UntrustedCheckout] = []
    for step in job.steps:
        how = _checkout_action(step) or _checkout_run(step)
        if how is not None:
            out.append(UntrustedCheckout(step, how))
    return out
