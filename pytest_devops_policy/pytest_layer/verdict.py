"""One (resource, policy) verdict, judged without a pytest node.

Both item models use it: ``--devops-policy-items=policy`` makes one pytest item per
verdict, ``resource`` one item per resource holding all of its verdicts. What a
verdict means (waivers, the fail-on threshold, Unknowns, errors) is decided here
once, so the two models cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_devops_policy.api import Policy, Severity
from pytest_devops_policy.engine.analysis import Outcome, ResourceResult
from pytest_devops_policy.engine.evaluate import UNKNOWN_PREFIX, ResolvedViolation
from pytest_devops_policy.masking import Redactor
from pytest_devops_policy.model import FileText
from pytest_devops_policy.pytest_layer.render import FailureText, finding_text, one_line
from pytest_devops_policy.waivers import Decision, FileWaivers, Waiver, decide

if TYPE_CHECKING:
    from pytest_devops_policy.pytest_layer.collector import DevopsPolicy

# What a judged verdict is; the names are those of the summary and the JUnit properties.
PASSED, FAILED, WAIVED, BELOW, UNKNOWN, ERROR = (
    "passed",
    "failed",
    "waived",
    "below-threshold",
    "unknown",
    "error",
)


@dataclass(frozen=True)
class ResourceScope:
    """What every verdict of one resource shares (one object per resource, not per verdict)."""

    result: ResourceResult
    file_text: FileText
    waivers: FileWaivers
    annotation_waivers: Sequence[Waiver]
    redactor: Redactor


@dataclass
class Judged:
    """A verdict's outcome and the texts an item reports it with."""

    status: str
    reason: str = ""  # the one line: xfail/skip reason, crash line, error text
    text: FailureText | None = None  # failures only
    line: int = 0
    waiver_props: tuple[tuple[str, str], ...] = ()


def waiver_props(w: Waiver, status: str) -> tuple[tuple[str, str], ...]:
    return (
        ("waiver_reason", w.reason or ""),
        ("waiver_expires", w.expires.isoformat() if w.expires else ""),
        ("waiver_owner", w.owner or ""),
        ("waiver_ticket", w.ticket or ""),
        ("waiver_source", w.source),
        ("waiver_status", status),
    )


class Verdict:
    """A policy's outcome on a resource, with its waiver decision made at collection."""

    __slots__ = ("decision", "findings", "line", "outcome", "policy", "scope", "severity")

    def __init__(self, policy: Policy, outcome: Outcome, scope: ResourceScope, state: DevopsPolicy):
        self.policy = policy
        self.outcome = outcome
        self.scope = scope
        # Waivers are known at collection: decide now, so that the severity an item is
        # marked, selected, reported and thresholded with is that of what it reports.
        self.decision: Decision[ResolvedViolation] | None = None
        if outcome.violations:
            self.decision = self._decide(state)
        self.findings = self._findings()
        self.severity: Severity = (
            max(v.severity for v in self.findings) if self.findings else policy.severity
        )
        self.line: int = self.findings[0].line if self.findings else scope.result.line

    def _decide(self, state: DevopsPolicy) -> Decision[ResolvedViolation]:
        policy, scope = self.policy, self.scope
        waivers = scope.waivers
        whole, scoped = waivers.for_item(
            policy.id,
            policy.name,
            scope.result.label,
            scope.result.waiver_lines,
            extra=scope.annotation_waivers,
        )
        today = state.settings.today
        return decide(self.outcome.violations, whole, scoped, waivers.covers, today)

    def _findings(self) -> list[ResolvedViolation]:
        """What the verdict reports: the findings no waiver covers (all of them when the
        verdict is waived), the most severe first."""
        d = self.decision
        if d is None:
            return []
        found = list(d.remaining) if d.remaining else list(self.outcome.violations)
        return sorted(found, key=lambda v: (-v.severity, v.line, v.col))

    def judge(self, state: DevopsPolicy) -> Judged:
        """The outcome; records the waivers it considered and used in the run's ledger."""
        outcome, scope = self.outcome, self.scope
        if outcome.error is not None:
            return Judged(ERROR, scope.redactor(outcome.error), line=self.line)
        decision = self.decision
        if decision is None:
            if outcome.unknowns:
                reason = UNKNOWN_PREFIX + "; ".join(dict.fromkeys(outcome.unknowns))
                return Judged(UNKNOWN, scope.redactor(reason, newlines=False), line=self.line)
            return Judged(PASSED, line=self.line)
        policy, settings = self.policy, state.settings
        for w in decision.considered:
            state.ledger.consider(w)
        for w in decision.used:
            state.ledger.use(w)
        relpath = scope.file_text.relpath
        secrets = scope.redactor.with_secrets(outcome.secrets)
        if decision.waived_by is not None:
            w = decision.waived_by
            summary = one_line(policy, relpath, self.findings, secrets)
            details = [f'reason="{w.reason}"']
            if w.owner:
                details.append(f"owner={w.owner}")
            details.append(f"expires={w.expires.isoformat() if w.expires else 'never'}")
            reason = f"waived by {w.source} ({' '.join(details)}): " + summary
            return Judged(
                WAIVED,
                scope.redactor(reason, newlines=False),
                line=self.line,
                waiver_props=waiver_props(w, "applied"),
            )
        remaining = self.findings
        notes: list[str] = []
        if decision.used:
            notes.append(
                f"{len(outcome.violations) - len(remaining)} other finding(s) waived "
                f"by {', '.join(sorted({w.source for w in decision.used}))}"
            )
        props: list[tuple[str, str]] = []
        for w in decision.expired:
            state.ledger.expire(w)
            assert w.expires is not None
            notes.append(f"waiver expired on {w.expires.isoformat()}: {w.describe()}")
            props.extend(waiver_props(w, "expired"))
        crash = one_line(policy, relpath, remaining, secrets)
        if self.severity < settings.fail_on and not decision.expired:
            reason = f"below --devops-policy-fail-on={settings.fail_on}: " + crash
            return Judged(BELOW, reason, line=self.line, waiver_props=tuple(props))
        text = finding_text(
            policy, scope.file_text.source, remaining, secrets, notes, outcome.detail
        )
        if decision.expired:
            crash += f" (waiver expired on {decision.expired[0].expires})"
        crash = secrets(crash, newlines=False)
        return Judged(FAILED, crash, text, remaining[0].line, tuple(props))
