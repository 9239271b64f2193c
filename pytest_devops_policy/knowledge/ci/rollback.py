"""Rollback paths that live inside one command or one script (catalog GHA-016 (a), (c)).

``builtin_rollback``: a deploy command that rolls back by itself (``helm --atomic``,
CloudFormation without ``--disable-rollback``). ``shell_rollback``: a rollback wired
to a deploy command's failure in the same script (``deploy || rollback``, the
failure branch of an ``if``, ``trap ... ERR``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_devops_policy.knowledge.ci.config import ClassifierConfig, config_of
from pytest_devops_policy.knowledge.ci.patterns import CommandPattern
from pytest_devops_policy.knowledge.ci.segments import (
    CommandMatch,
    Segment,
    command_segments,
    match_commands,
)

__all__ = ["builtin_rollback", "shell_rollback"]


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
