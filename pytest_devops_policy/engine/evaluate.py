"""Evaluate one policy on one subject and resolve its findings to positions, without pytest.

The analyser (``engine/analysis.py``) and the golden-fixture helpers (``testing.py``) both go
through here, so what the tests check is exactly what users run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import PathPart, Policy, Severity, Unknown, Violation
from pytest_devops_policy.context import Context
from pytest_devops_policy.model import Subject

UNKNOWN_PREFIX = "cannot be checked statically: "


@dataclass(frozen=True)
class ResolvedViolation:
    message: str
    line: int
    col: int
    severity: Severity
    secret: str | None = None
    # Lines of the entries that enclose the finding (its container, step, job...): a waiver
    # on or above one of them covers the finding too.
    anchors: tuple[int, ...] = ()
    # Cross-artifact links the finding rests on (``Violation.links``): JUnit ``links``.
    links: tuple[str, ...] = ()


@dataclass
class Finding:
    """The outcome of one policy on one subject."""

    policy: Policy
    subject: Subject[Any]
    violations: list[ResolvedViolation]
    unknowns: list[str]

    @property
    def failed(self) -> bool:
        return bool(self.violations)

    @property
    def severity(self) -> Severity:
        if not self.violations:
            return self.policy.severity
        return max(v.severity for v in self.violations)

    @property
    def line(self) -> int:
        return self.violations[0].line if self.violations else self.subject.line

    @property
    def secrets(self) -> list[str]:
        return [v.secret for v in self.violations if v.secret]


def resolve(policy: Policy, subject: Subject[Any], v: Violation) -> ResolvedViolation:
    line, col = subject.line, subject.col
    anchors: tuple[int, ...] = ()
    if v.line is not None:
        line, col = v.line, v.col or 1
    elif v.path is not None:
        pos = subject.locate(v.path)
        if pos is not None:
            line, col = pos
        anchors = _enclosing(subject, v.path, line)
    where = subject.elsewhere(v.path)
    return ResolvedViolation(
        message=v.message if where is None else f"{v.message} (at {where})",
        line=line,
        col=col,
        severity=v.severity or policy.severity,
        secret=v.secret,
        anchors=anchors,
        links=tuple(v.links),
    )


def _enclosing(subject: Subject[Any], path: tuple[PathPart, ...], line: int) -> tuple[int, ...]:
    """The lines of the entries around a key path (each shorter prefix the format locates)."""
    found: list[int] = []
    for n in range(len(path) - 1, 0, -1):
        pos = subject.locate(path[:n])
        if pos is not None and pos[0] != line and pos[0] not in found:
            found.append(pos[0])
    return tuple(found)


def evaluate(policy: Policy, subject: Subject[Any], context: Context) -> Finding:
    """Run one policy on one subject and resolve every violation to a position."""
    results = policy.evaluate(subject, context.for_subject(subject))
    violations = sorted(
        (resolve(policy, subject, r) for r in results if isinstance(r, Violation)),
        key=lambda v: (v.line, v.col),
    )
    # The item adds the "cannot be checked statically" preamble; policies need not.
    unknowns = [r.reason.removeprefix(UNKNOWN_PREFIX) for r in results if isinstance(r, Unknown)]
    return Finding(policy, subject, violations, unknowns)
