"""Checkouts of untrusted code (the pull request's head, a triggering run's branch), for
workflows that run with the base repository's privileges: GHA-009 (is it then run?) and
GHA-006 (are secrets within its reach?) share this one detector.

``PRIVILEGED_TRIGGERS`` / ``is_privileged(workflow)`` tell which workflows this concerns
(``pull_request_target``, ``workflow_run``); ``untrusted_checkouts(job)`` lists a job's
checkouts in step order.

A step checks out untrusted code when it is:

* ``actions/checkout`` whose ``ref`` comes from ``github.event.pull_request.head.sha|ref``,
  ``github.head_ref``, ``github.event.pull_request.merge_commit_sha``,
  ``github.event.workflow_run.head_sha|head_branch`` (directly, through ``||``/``&&``, or
  through an ``env`` entry), or is ``refs/pull/${{ … }}/merge|head``; or whose
  ``repository`` is the pull request's (fork) repository;
* a ``run`` with ``gh pr checkout``, ``git fetch|pull <remote> pull/…`` (``refs/pull/…``), or a
  ``git fetch|checkout|switch|pull|reset|clone|worktree`` of one of those contexts (an
  expression or a ``$VAR`` whose ``env`` value is one).

``later_execution`` then says whether anything runs the checked-out code: a later
command of the same script (other than ``git``/``gh`` and shell built-ins), a later
``run`` step, or a later local action (``uses: ./…``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.github_actions.expressions import find_expressions
from pytest_devops_policy.formats.github_actions.workflow import Job, Step, Workflow
from pytest_devops_policy.knowledge.ci.force_push import git_subcommand
from pytest_devops_policy.knowledge.ci.scripts import env_references, run_script
from pytest_devops_policy.knowledge.ci.taint import context_matches, flows

__all__ = [
    "PRIVILEGED_TRIGGERS",
    "UNTRUSTED_REFS",
    "UNTRUSTED_REPOSITORIES",
    "UntrustedCheckout",
    "env_lookup",
    "is_privileged",
    "later_execution",
    "untrusted_checkout",
    "untrusted_checkouts",
    "untrusted_contexts",
]

# Triggers that run with the base repository's secrets and a token that may write.
PRIVILEGED_TRIGGERS: tuple[str, ...] = ("pull_request_target", "workflow_run")

# Contexts naming the pull request's (or the triggering run's) code.
UNTRUSTED_REFS: tuple[str, ...] = (
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.id",
)
# Contexts naming the repository the pull request comes from (a fork).
UNTRUSTED_REPOSITORIES: tuple[str, ...] = (
    "github.event.pull_request.head.repo.full_name",
    "github.event.pull_request.head.repo.clone_url",
    "github.event.pull_request.head.repo.ssh_url",
    "github.event.pull_request.head.repo.git_url",
    "github.event.workflow_run.head_repository.full_name",
)
_PR_NUMBERS = ("github.event.pull_request.number", "github.event.number")
_GIT_CHECKOUTS = frozenset({"fetch", "checkout", "switch", "pull", "reset", "clone", "worktree"})
# Commands that do not execute the checked-out code.
_INERT = frozenset(
    {"git", "gh", "echo", "printf", "cd", "pushd", "popd", "true", "false", ":", "set",
     "export", "test", "[", "[[", "ls", "pwd", "cat", "exit", "sleep"}
)  # fmt: skip

EnvLookup = Callable[[str], Any]


@dataclass(frozen=True)
class UntrustedCheckout:
    """Where a step checks out untrusted code: the step, the key that says so
    (``("with", "ref")``, ``("run",)``), what it is, and for a script the index of the
    checkout command in ``run_script(step.run).script.commands``."""

    step: Step
    key: tuple[PathPart, ...]
    what: str
    command: int | None = None


def is_privileged(workflow: Workflow) -> bool:
    """Triggered by ``pull_request_target`` or ``workflow_run``."""
    return any(t in workflow.on for t in PRIVILEGED_TRIGGERS)


def _matches(ctx: str, patterns: Sequence[str]) -> bool:
    """The context is one of the patterns or a field of one; a segment chosen at run time
    (``*``) may be any. The object above a pattern (``github.event.pull_request``) is not."""
    return any(context_matches(ctx, p) and ctx.count(".") >= p.count(".") for p in patterns)


def untrusted_contexts(
    text: str,
    patterns: Sequence[str],
    env: EnvLookup | None = None,
    match: Callable[[str, Sequence[str]], bool] = _matches,
    depth: int = 0,
) -> list[str]:
    """The contexts among ``patterns`` whose value flows into ``text`` (its ``${{ }}``,
    and ``env.X`` through the env entry ``X`` when ``env`` is given). ``match`` decides
    whether a context is one of the patterns (default: it is one, or a field of one)."""
    out: list[str] = []
    for expr in find_expressions(text):
        for ctx in flows(expr):
            if match(ctx, patterns):
                out.append(ctx)
            elif env is not None and depth < 3 and ctx.startswith("env.") and ctx.count(".") == 1:
                value = env(ctx.split(".", 1)[1])
                if isinstance(value, str):
                    out += untrusted_contexts(value, patterns, env, match, depth + 1)
    return out


def _what(key: str, value: str, ctx: str) -> str:
    text = value.strip()
    return f"{key}: {text}" if ctx in text else f"{key}: {text}, from {ctx}"


def _checkout_action(step: Step, env: EnvLookup | None) -> UntrustedCheckout | None:
    uses = step.uses
    if uses is None or not uses.is_remote or uses.name.lower() != "actions/checkout":
        return None
    ref = step.with_.get("ref")
    if isinstance(ref, str):
        found = untrusted_contexts(ref, UNTRUSTED_REFS, env)
        if found:
            return UntrustedCheckout(step, ("with", "ref"), _what("ref", ref, found[0]))
        stripped = ref.strip()
        if stripped.startswith("pull/") or "refs/pull/" in stripped:
            return UntrustedCheckout(step, ("with", "ref"), f"ref: {stripped} (a pull request ref)")
    repo = step.with_.get("repository")
    if isinstance(repo, str):
        found = untrusted_contexts(repo, UNTRUSTED_REPOSITORIES, env)
        if found:
            return UntrustedCheckout(
                step, ("with", "repository"), _what("repository", repo, found[0])
            )
    return None


def _pull_ref(word: str) -> bool:
    return word.lstrip("+").startswith(("pull/", "refs/pull/"))


def _script_checkout(
    step: Step, step_env: Mapping[str, Any], env: EnvLookup | None
) -> UntrustedCheckout | None:
    if step.run is None:
        return None
    rs = run_script(step.run)
    for i, c in enumerate(rs.script.commands):
        words = c.words
        name = c.name
        shown = rs.show(str(c))
        if name == "gh" and "pr" in words[1:3] and "checkout" in words[2:4]:
            return UntrustedCheckout(step, ("run",), f"'{shown}'", i)
        if name != "git":
            continue
        sub = git_subcommand(words)
        if sub is None or words[sub] not in _GIT_CHECKOUTS:
            continue
        args = words[sub + 1 :]
        fetches = words[sub] in ("fetch", "pull")
        if fetches and any(_pull_ref(w) for w in args if not w.startswith("-")):
            return UntrustedCheckout(step, ("run",), f"'{shown}' (a pull request ref)", i)
        for w in args:
            texts = [e.text for e in rs.expressions_in(w)]
            texts += [str(v) for _n, v in env_references(w, step_env) if isinstance(v, str)]
            for text in texts:
                found = untrusted_contexts(text, UNTRUSTED_REFS + _PR_NUMBERS, env)
                if found:
                    what = f"'{shown}'" if found[0] in shown else f"'{shown}', from {found[0]}"
                    return UntrustedCheckout(step, ("run",), what, i)
    return None


def untrusted_checkout(
    step: Step, step_env: Mapping[str, Any] | None = None, env: EnvLookup | None = None
) -> UntrustedCheckout | None:
    """Whether ``step`` checks out untrusted code (see the module docstring).

    ``step_env`` is the environment the step's script sees (workflow, job and step
    ``env`` merged); ``env`` looks an ``env.X`` context up.
    """
    merged = dict(step_env or {})
    merged.update({str(k): v for k, v in step.env.items()})
    return _checkout_action(step, env) or _script_checkout(step, merged, env)


def env_lookup(job: Job, step: Step | None) -> EnvLookup:
    """Look an ``env.X`` context up as ``step`` sees it (step, then job, then workflow env;
    names are case-insensitive)."""

    def lookup(name: str) -> Any:
        for env in (step.env if step else {}, job.env, job.workflow.env):
            for key, value in env.items():
                if str(key).lower() == name.lower():
                    return value
        return None

    return lookup


def untrusted_checkouts(job: Job, steps: Sequence[Step] | None = None) -> list[UntrustedCheckout]:
    """Every step of ``job`` (or of ``steps``, a callee's) that checks out untrusted code,
    in order; each script sees the workflow and job ``env``."""
    env = {
        **{str(k): v for k, v in job.workflow.env.items()},
        **{str(k): v for k, v in job.env.items()},
    }
    out: list[UntrustedCheckout] = []
    for step in job.steps if steps is None else steps:
        found = untrusted_checkout(step, env, env_lookup(job, step))
        if found is not None:
            out.append(found)
    return out


def later_execution(steps: Sequence[Step], checkout: UntrustedCheckout) -> str | None:
    """What runs after the checkout, described (``None``: nothing does)."""
    step = checkout.step
    if checkout.command is not None and step.run is not None:
        commands = run_script(step.run).script.commands
        for c in commands[checkout.command + 1 :]:
            if c.name and c.name not in _INERT and c.wrapped_by is None:
                return f"'{run_script(step.run).show(str(c))}' later in the same script"
    for later in steps[step.index + 1 :]:
        if later.run is not None:
            return f"{later.label} runs a script"
        # A self-repository action ($/path) comes from the workflow's own commit, not from
        # the checked-out tree.
        if later.uses is not None and later.uses.kind == "local" and not later.uses.self_repo:
            return f"{later.label} runs the local action {later.uses.raw}"
    return None
