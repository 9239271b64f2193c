"""GitHub deployment environments managed by Terraform (XREF-004), independent of the job.

A deploy job names an environment ``E``; the repository's environments and their
protection rules are ``github_repository_environment`` resources. GitHub **creates** an
environment a job names when it does not exist, with no protection rules, so a name that
Terraform does not manage (a typo, a rename) runs the deploy with no gate at all.

* ``repository_environments``: the environments Terraform manages for ``owner/name`` (the
  resource's ``repository`` is the name, or ``owner/name``; compared case-insensitively),
  and the resources whose repository or name is decided at plan time (``for_each`` over
  a variable): those may be any repository's, any environment;
* ``judge_environment``: the verdicts on one literal name: (1) not managed (with the
  managed name it most likely meant), (2) no required reviewers and no wait timer,
  (3) no deployment branch policy, or custom branch policies that no
  ``github_repository_environment_deployment_policy`` fills for the default or release
  branches (medium), and ``prevent_self_review`` not true (low).

Environment names are compared case-insensitively, as GitHub does.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pytest_devops_policy.knowledge.xref.tf_facts import (
    DeploymentPolicy,
    Fact,
    GithubEnvironment,
    Opaque,
    TfFacts,
)

__all__ = [
    "EnvFinding",
    "ManagedEnvironments",
    "edit_distance",
    "judge_environment",
    "judge_protection",
    "near_miss",
    "repository_environments",
]

_DEFAULT_BRANCHES = ("main", "master")
_RELEASE = re.compile(r"^(?:refs/heads/)?(?:release|releases|prod|production|stable)\b", re.I)


@dataclass(frozen=True)
class EnvFinding:
    """``rule``: missing (1), approval (2), branches (3), self-review (note), unknown.
    ``severity``: high / medium / low (None for unknown). ``env``: the Terraform resource
    the finding rests on (None for (1))."""

    rule: str
    severity: str | None
    message: str
    env: GithubEnvironment | None = None
    line: int | None = None  # the Terraform line to link (the block at fault)


@dataclass(frozen=True)
class ManagedEnvironments:
    envs: tuple[GithubEnvironment, ...]  # this repository's, names as Terraform has them
    opaque: tuple[GithubEnvironment, ...]  # repository or name decided at plan time
    policies: tuple[DeploymentPolicy, ...]


def _name_of(fact: Fact) -> str | None:
    return fact if isinstance(fact, str) else None


def _is_repo(fact: Fact, repository: str) -> bool | None:
    if isinstance(fact, Opaque):
        return None
    if not isinstance(fact, str):
        return False
    name = repository.split("/", 1)[-1].lower()
    return fact.lower() in (name, repository.lower())


def repository_environments(facts: TfFacts, repository: str) -> ManagedEnvironments:
    envs: list[GithubEnvironment] = []
    opaque: list[GithubEnvironment] = []
    for env in facts.environments:
        linked = _is_repo(env.repository, repository)
        if linked is None or (linked and isinstance(env.environment, Opaque)):
            opaque.append(env)
        elif linked:
            envs.append(env)
    policies = tuple(
        p for p in facts.deployment_policies if _is_repo(p.repository, repository) is not False
    )
    return ManagedEnvironments(tuple(envs), tuple(opaque), policies)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def near_miss(name: str, managed: Sequence[GithubEnvironment]) -> GithubEnvironment | None:
    """The managed environment ``name`` most likely misspells: at most two edits away
    (one for names of four letters or fewer), and not itself managed."""
    low = name.lower()
    best: tuple[int, GithubEnvironment] | None = None
    for env in managed:
        other = _name_of(env.environment)
        if other is None or other.lower() == low:
            continue
        limit = 1 if min(len(other), len(low)) <= 4 else 2
        d = edit_distance(low, other.lower())
        if d <= limit and (best is None or d < best[0]):
            best = (d, env)
    return best[1] if best else None


def _approval(env: GithubEnvironment, name: str) -> EnvFinding | None:
    if env.dynamic_blocks:
        return EnvFinding(
            "unknown", None, f"{name}'s reviewers or branch policy come from a dynamic block", env
        )
    counts = [c for pair in env.reviewers for c in pair]
    if any(isinstance(c, int) and c > 0 for c in counts):
        return None
    timer = env.wait_timer
    if isinstance(timer, (int, float)) and not isinstance(timer, bool) and timer > 0:
        return None
    opaque = [str(c) for c in counts if isinstance(c, Opaque)]
    if isinstance(timer, Opaque):
        opaque.append(f"wait_timer = {timer}")
    if opaque:
        return EnvFinding(
            "unknown",
            None,
            f"whether {name} requires a reviewer is decided at plan time ({', '.join(opaque)})",
            env,
        )
    what = "reviewers blocks list no user or team" if env.reviewers else "no reviewers block"
    return EnvFinding(
        "approval",
        "high",
        f"{name} ({env.where}) has {what} and no wait_timer > 0: nobody approves the "
        "deployment and nothing holds it (a deployment policy restricts branches, it is "
        "no approval). Fix: add reviewers { users = [...] } or { teams = [...] }",
        env,
        env.reviewers_line or env.where.line,
    )


def _covers(policy: DeploymentPolicy) -> bool | None:
    branch, tag = policy.branch_pattern, policy.tag_pattern
    if isinstance(branch, Opaque) or isinstance(tag, Opaque):
        return None
    if isinstance(tag, str) and tag:
        return True  # deployments restricted to tags: releases
    if not isinstance(branch, str):
        return False
    return bool(_RELEASE.match(branch)) or any(
        fnmatch.fnmatchcase(b, branch) for b in _DEFAULT_BRANCHES
    )


def _branches(
    env: GithubEnvironment, name: str, policies: Sequence[DeploymentPolicy]
) -> EnvFinding | None:
    if env.branch_policy is None:
        return EnvFinding(
            "branches",
            "medium",
            f"{name} ({env.where}) has no deployment_branch_policy: any branch may deploy "
            "to it. Fix: deployment_branch_policy { protected_branches = true, "
            "custom_branch_policies = false }",
            env,
            env.where.line,
        )
    protected, custom = env.branch_policy
    line = env.branch_policy_line or env.where.line
    if isinstance(protected, Opaque) or isinstance(custom, Opaque):
        return EnvFinding(
            "unknown", None, f"{name}'s deployment_branch_policy is decided at plan time", env
        )
    if protected is True or custom is not True:
        return None
    mine = [p for p in policies if _env_matches(p.environment, name)]
    verdicts = [_covers(p) for p in mine]
    if True in verdicts:
        return None
    if None in verdicts or any(isinstance(p.environment, Opaque) for p in policies):
        return EnvFinding(
            "unknown", None, f"{name}'s deployment branch patterns are decided at plan time", env
        )
    shown = ", ".join(f"{p.branch_pattern} ({p.where})" for p in mine) or "none"
    return EnvFinding(
        "branches",
        "medium",
        f"{name} ({env.where}) sets custom_branch_policies = true, but no "
        "github_repository_environment_deployment_policy allows the default or a release "
        f'branch (patterns: {shown}). Fix: add one with branch_pattern = "main" (or '
        "release/*), or set protected_branches = true",
        env,
        line,
    )


def _env_matches(fact: Fact, name: str) -> bool:
    return isinstance(fact, str) and fact.lower() == name.lower()


def judge_protection(env: GithubEnvironment, managed: ManagedEnvironments) -> list[EnvFinding]:
    """(2), (3) and the self-review note for one managed environment."""
    name = f"environment '{env.environment}'"
    out = [f for f in (_approval(env, name), _branches(env, name, managed.policies)) if f]
    review = env.prevent_self_review
    settled = not any(f.rule == "unknown" for f in out)
    if review is not True and not isinstance(review, Opaque) and settled:
        out.append(
            EnvFinding(
                "self-review",
                "low",
                f"{name} ({env.where}) does not set prevent_self_review = true: the "
                "person who triggered the deployment may approve it",
                env,
                env.where.line,
            )
        )
    return out


def judge_environment(name: str, managed: ManagedEnvironments) -> list[EnvFinding]:
    """The verdicts on a job that deploys to the literal environment ``name``."""
    found = [e for e in managed.envs if _env_matches(e.environment, name)]
    if not found:
        if managed.opaque:
            where = ", ".join(str(e.where) for e in managed.opaque)
            return [
                EnvFinding(
                    "unknown",
                    None,
                    f"no Terraform environment is named '{name}', but the repository or name "
                    f"of {where} is decided at plan time",
                )
            ]
        meant = near_miss(name, managed.envs)
        names = ", ".join(f"'{e.environment}' ({e.where})" for e in managed.envs)
        hint = (
            f" It looks like a misspelling of '{meant.environment}' ({meant.where})."
            if meant is not None
            else ""
        )
        return [
            EnvFinding(
                "missing",
                "high",
                f"Terraform manages this repository's environments ({names}) but none named "
                f"'{name}': GitHub creates '{name}' on the first deployment, with no "
                f"protection rules, so this deploy runs with no approval gate.{hint} Fix: "
                f"use the managed name, or add a github_repository_environment for '{name}'",
                meant,
                meant.where.line if meant is not None else None,
            )
        ]
    out: list[EnvFinding] = []
    for env in found:
        out += judge_protection(env, managed)
    return out
