"""Rollback paths that live inside one command or one script (catalog GHA-016 (a), (c)).

``builtin_rollback``: a deploy command that rolls back by itself (``helm --atomic``,
CloudFormation without ``--disable-rollback``). ``shell_rollback``: a rollback wired
to a deploy command's failure in the same script (``deploy || rollback``, the
failure branch of an ``if``, ``trap ... ERR``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pytest_devops_policy.knowledge.ci.config import ClassifierConfig, config_of
from pytest_devops_policy.knowledge.ci.patterns import CommandPattern
from pytest_devops_policy.knowledge.ci.segments import (
    CommandMatch,
    Segment,
    command_segments,
    match_commands,
)

if TYPE_CHECKING:  # jobs.py imports this module
    from pytest_devops_policy.knowledge.ci.jobs import JobClass

__all__ = ["builtin_rollback", "deploys_only_to_ecs", "rollback_near_misses", "shell_rollback"]


def builtin_rollback(match: CommandMatch) -> str | None:
    """Why a deploy command rolls back by itself on failure (``None`` if it does not).

    Helm 3 ``--atomic`` (Helm 4: ``--rollback-on-failure``); CloudFormation and
    SAM roll a failed stack update back unless ``--disable-rollback`` is given.
    """
    text = match.segment.text
    family = match.pattern.family
    if family == "helm":
        m = re.search(r"\s(--atomic|--rollback-on-failure)(?:=(\S+))?(?=\s|$)", text)
        if m and (m.group(2) or "true").lower() != "false":
            return f"'{match.text} {m.group(1)}' rolls back a failed release"
        return None
    if family == "cloudformation" and match.pattern.label in (
        "aws cloudformation deploy",
        "sam deploy",
    ):
        if re.search(r"\s--disable-rollback\b(?!=false)", text):
            return None
        return f"'{match.text}' rolls a failed stack update back (no --disable-rollback)"
    return None


_TRAP = re.compile(r"trap\s+(['\"])(.*?)\1\s+(.*)", re.S)


def shell_rollback(
    script: str, settings: Mapping[str, Any] | ClassifierConfig | None = None
) -> str | None:
    """A rollback wired to a deploy command's failure inside one script, explained.

    Accepted forms: ``deploy || rollback`` (also after ``&&``-chained checks),
    ``if ! deploy; then rollback; fi``, ``if deploy; then ...; else rollback; fi``,
    and ``trap 'rollback' ERR`` before the deploy command.
    """
    cfg = config_of(settings)
    segs = command_segments(script)

    def first(seg: Segment, patterns: Sequence[CommandPattern]) -> CommandMatch | None:
        found = match_commands([seg], patterns)
        return found[0] if found else None

    deploys = [first(s, cfg.deploy_commands) for s in segs]
    trap: str | None = None
    # Each open `if`: (its condition is a deploy command, negated, current branch).
    frames: list[tuple[CommandMatch | None, bool, str]] = []
    for k, seg in enumerate(segs):
        if "if" in seg.keywords or "elif" in seg.keywords:
            if "elif" in seg.keywords and frames:
                frames.pop()
            frames.append((deploys[k], "!" in seg.keywords, "cond"))
        if frames and ("then" in seg.keywords or "else" in seg.keywords):
            dep, neg, _ = frames[-1]
            frames[-1] = (dep, neg, "then" if "then" in seg.keywords else "else")
        m = _TRAP.match(seg.text)
        if m and re.search(r"\bERR\b", m.group(3)):
            hits = match_commands(m.group(2), cfg.rollback_commands)
            if hits:
                trap = hits[0].text
        here = deploys[k]
        if here is not None and trap is not None:
            return f"'trap ... ERR' runs '{trap}' when '{here.text}' fails"
        rb = first(seg, cfg.rollback_commands)
        if rb is not None:
            if seg.op == "||":
                j = k - 1
                while j >= 0:
                    dep_j = deploys[j]
                    if dep_j is not None:
                        return f"'{rb.text}' runs when '{dep_j.text}' fails ('||')"
                    if segs[j].op not in ("&&", "||", "|"):
                        break
                    j -= 1
            if frames:
                dep, neg, branch = frames[-1]
                if dep is not None and (
                    (neg and branch == "then") or (not neg and branch == "else")
                ):
                    cond = f"if {'! ' if neg else ''}{dep.text}"
                    return f"'{rb.text}' runs in the failure branch of '{cond}'"
        if seg.text == "fi" and frames:
            frames.pop()
    return None


def rollback_near_misses(jc: JobClass) -> list[str]:
    """Deploy commands that could roll back by themselves but do not: what a rollback
    failure's message points at (GHA-016, GL-004)."""
    notes = []
    for hit in jc.deploy_steps:
        if hit.family == "helm":
            notes.append(f"{hit.label} runs '{hit.what}' without --atomic / --rollback-on-failure")
        elif hit.family == "cloudformation":
            notes.append(f"{hit.label} runs '{hit.what}' with rollback disabled")
    return notes


def deploys_only_to_ecs(jc: JobClass) -> bool:
    """Every deploy step targets ECS, whose rollback is the service's circuit breaker (a
    Terraform setting, TF-021), not the pipeline's: an Unknown for the CI policies."""
    return bool(jc.deploy_steps) and all(h.family == "aws-ecs" for h in jc.deploy_steps)
