"""The policies that apply to a file: hook results, validated, selected, grouped by subject."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from pytest_devops_policy import kinds
from pytest_devops_policy.api import Policy, get_policy, is_cross_artifact
from pytest_devops_policy.waivers import spec_matches


class Selection(Protocol):
    """What the run selected (``Settings``): ``select``/``ignore`` by id, prefix or name."""

    def selects(self, policy_id: str, name: str) -> bool: ...


class PolicyConflict(Exception):
    """Two different policies claim one id, or a hook returned something that is no policy."""


@dataclass(frozen=True)
class PolicySet:
    policies: tuple[Policy, ...]
    by_subject: dict[str, tuple[Policy, ...]] = field(default_factory=dict)

    def for_subject(self, key: str) -> tuple[Policy, ...]:
        return self.by_subject.get(key, ())

    def kinds(self) -> set[str]:
        return self._kinds

    @cached_property
    def _kinds(self) -> set[str]:
        return {p.kind for p in self.policies}

    @cached_property
    def by_id(self) -> dict[str, Policy]:
        """The policy of each id (its primary anchor's metadata is the same for all)."""
        return {p.id: p for p in self.policies}

    @cached_property
    def xref_kinds(self) -> frozenset[str]:
        """The kinds that anchor a selected cross-artifact policy (their cached results
        then depend on the linked files: ``indexes.xref_inputs``)."""
        return frozenset(p.kind for p in self.policies if is_cross_artifact(p.id))

    def reads(self, kind: str) -> bool:
        """Are a ``kind`` file's contents needed: its own policies are selected, or the
        SECRET policies, which read every collected file (catalog §6.1)."""
        chosen = self._kinds
        return kind in chosen or "secrets" in chosen


def build_policy_set(
    hook_results: Iterable[Iterable[object] | None], settings: Selection
) -> PolicySet:
    # One policy per (id, subject): an id may anchor on several kinds' subjects
    # (``api.also_anchored``), with one metadata.
    seen: dict[tuple[str, str], Policy] = {}
    first: dict[str, Policy] = {}  # id -> the first policy seen with it
    for result in hook_results:
        for obj in result or ():
            meta = get_policy(obj)
            if meta is None:
                raise PolicyConflict(
                    f"pytest_devops_policy_add_policies returned {obj!r}, "
                    "which is not decorated with @policy"
                )
            other = seen.get((meta.id, meta.subject))
            if other is not None:
                # The same function offered twice is harmless (a lazily loaded built-in is
                # compared by its real function, loaded only here, for a clash).
                if other.resolved().func is meta.resolved().func:
                    continue
                raise PolicyConflict(
                    f"duplicate policy id {meta.id}: defined by {other.origin} and by {meta.origin}"
                )
            twin = first.setdefault(meta.id, meta)
            # Two anchors of one policy: one primary, the others declared with
            # ``also_anchored`` (so two unrelated policies cannot share an id by accident).
            if twin is not meta and (twin.name != meta.name or twin.primary == meta.primary):
                raise PolicyConflict(
                    f"duplicate policy id {meta.id}: defined by {twin.origin} and by {meta.origin}"
                )
            seen[(meta.id, meta.subject)] = meta
    chosen = tuple(
        sorted(
            (p for p in seen.values() if settings.selects(p.id, p.name)),
            key=lambda p: (p.id, p.subject),
        )
    )
    grouped: dict[str, list[Policy]] = {}
    for p in chosen:
        grouped.setdefault(p.subject, []).append(p)
    # A subject that borrows another's policies (a composite action, the step-level job
    # policies) gets them here, once: kinds.judges is the one rule.
    for spec in kinds.borrowing_subjects():
        lent = [
            p for p in grouped.get(spec.borrows, ()) if kinds.judges(p.subject, p.id, spec.param)
        ]
        if lent:
            own = grouped.get(spec.param, [])
            grouped[spec.param] = sorted([*own, *lent], key=lambda p: p.id)
    return PolicySet(chosen, {k: tuple(v) for k, v in grouped.items()})


def unmatched_specs(
    specs: Iterable[str], policies: Iterable[Policy]
) -> list[tuple[str, str | None]]:
    """The specs (ids, prefixes, names) that match none of ``policies``, each with the
    closest id or name, for a usage error that says what was meant."""
    known = list(policies)
    words = sorted({p.id for p in known} | {p.name for p in known})
    out: list[tuple[str, str | None]] = []
    for spec in specs:
        if any(spec_matches(spec, p.id, p.name) for p in known):
            continue
        close = difflib.get_close_matches(spec.strip(), words, n=1, cutoff=0.6) or (
            difflib.get_close_matches(spec.strip().upper(), words, n=1, cutoff=0.6)
        )
        out.append((spec, close[0] if close else None))
    return out
