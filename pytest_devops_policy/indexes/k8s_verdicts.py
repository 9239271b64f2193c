"""One verdict for an object that several deployment units apply.

A kustomize base used by three overlays is deployed three times, each time with the
overlay's namespace and next to the overlay's objects. A cross-object policy judges it in
each unit (``each_unit``) and the verdicts combine:

* the same verdict in every unit: that verdict. Every distinct finding is reported once; a
  finding that holds only in some units names them;
* different verdicts (fails in one overlay, passes in another, or cannot be decided in
  one): Unknown, naming the units and what each says. No verdict is given that does not
  hold wherever the file is deployed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar, cast

from pytest_devops_policy.api import Unknown, Violation
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject
from pytest_devops_policy.indexes.kubernetes import K8sIndex
from pytest_devops_policy.masking import redact
from pytest_devops_policy.model import Subject

__all__ = ["Judge", "each_unit", "merge_verdicts", "unless_doubtful"]

Result = Violation | Unknown
Judge = Callable[[K8sObject, Context], Iterable[Result] | None]
_I = TypeVar("_I")


class _UnitContext(Context):
    """The policy's context, with the index of one unit for Kubernetes subjects."""

    def __init__(self, base: Context, index: K8sIndex) -> None:
        super().__init__(base.all_options, base.cache, base.subject)
        self._unit_index = index

    def index(self, subject: Subject[_I]) -> _I:
        if isinstance(subject, K8sObject):
            return cast(_I, self._unit_index)
        return super().index(subject)

    def for_subject(self, subject: Subject[Any]) -> Context:
        return _UnitContext(super().for_subject(subject), self._unit_index)


def each_unit(subject: K8sObject, context: Context, judge: Judge) -> Iterator[Result]:
    """``judge(subject, context)`` in every deployment unit that applies the subject's
    file, combined into one verdict (see the module docstring). With one unit (the usual
    case) this is ``judge`` itself."""
    index: K8sIndex | None = context.index(subject)
    units = index.units if index is not None else ()
    if len(units) <= 1:
        yield from judge(subject, context) or ()
        return
    results = [(u, list(judge(subject, _UnitContext(context, u)) or ())) for u in units]
    yield from merge_verdicts([(u.unit.label, r) for u, r in results])


def _failed(results: Sequence[Result]) -> bool:
    return any(isinstance(r, Violation) for r in results)


def _distinct(per_unit: Sequence[tuple[str, list[Result]]]) -> Iterator[Result]:
    """Each distinct finding once; one that not every unit has names the units that do."""
    where: dict[Result, list[str]] = {}
    for label, results in per_unit:
        for r in results:
            where.setdefault(r, []).append(label)
    for r, labels in where.items():
        if len(labels) == len(per_unit):
            yield r
            continue
        note = f" (in {', '.join(labels)})"
        if isinstance(r, Violation):
            yield Violation(r.message + note, r.path, r.line, r.col, r.severity, r.secret)
        else:
            yield Unknown(r.reason + note)


def _text(v: Violation) -> str:
    # An Unknown carries no secret to mask, so a secret in a message is masked here.
    return redact(v.message, [v.secret]) if v.secret else v.message


def _says(results: Sequence[Result]) -> str:
    found = [_text(r) for r in results if isinstance(r, Violation)]
    if not found:
        found = [r.reason for r in results if isinstance(r, Unknown)]
    return "; ".join(dict.fromkeys(found))


def merge_verdicts(per_unit: Sequence[tuple[str, list[Result]]]) -> Iterator[Result]:
    """One verdict from ``(unit label, findings)`` per unit."""
    failing = [(label, r) for label, r in per_unit if _failed(r)]
    undecided = [(label, r) for label, r in per_unit if r and not _failed(r)]
    passing = [label for label, r in per_unit if not r]
    if len(failing) == len(per_unit) or len(undecided) == len(per_unit):
        yield from _distinct(per_unit)
        return
    if not failing and not undecided:
        return
    # Group units that say the same thing, so three identical overlays read as one clause.
    clauses: dict[tuple[str, str], list[str]] = {}
    for verdict, group in (("fails", failing), ("cannot be decided", undecided)):
        for label, results in group:
            clauses.setdefault((verdict, _says(results)), []).append(label)
    parts = [
        f"{verdict} in {', '.join(labels)} ({said})" for (verdict, said), labels in clauses.items()
    ]
    if passing:
        parts.append(f"passes in {', '.join(passing)}")
    yield Unknown("the deployment units that apply this file disagree: " + "; ".join(parts))


def unless_doubtful(findings: Iterable[Result], doubt: str | None) -> Iterator[Result]:
    """``findings``, with every violation turned into Unknown when whether the check
    applies at all rests on ``doubt`` (a Service that may or may not select the pods)."""
    for finding in findings:
        if doubt is not None and isinstance(finding, Violation):
            yield Unknown(f"{_text(finding)}, but {doubt}")
        else:
            yield finding
