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
from pytest_devops_policy.baseline import Baseline, Entry
from pytest_devops_policy.engine.analysis import Outcome, ResourceResult
from pytest_devops_policy.engine.evaluate import UNKNOWN_PREFIX, ResolvedViolation
from pytest_devops_policy.fingerprint import finding_key, numbered
from pytest_devops_policy.masking import Redactor
from pytest_devops_policy.model import FileText
from pytest_devops_policy.pytest_layer.render import FailureText, finding_text, one_line
from pytest_devops_policy.waivers import Decision, FileWaivers, Waiver, decide

if TYPE_CHECKING:
    from pytest_devops_policy.pytest_layer.collector import DevopsPolicy

# What a judged verdict is; the names are those of the summary and the JUnit properties.
PASSED, FAILED, WAIVED, BELOW, UNKNOWN, ERROR, BASELINED = (
    "passed",
    "failed",
    "waived",
    "below-threshold",
    "unknown",
    "error",
    "baselined",
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
    # The findings baseline (issue 22): which of the verdict's findings (indexes into
    # ``Verdict.findings``) it lists, and its entries of this verdict that are gone (fixed).
    baselined: tuple[int, ...] = ()
    fixed: tuple[Entry, ...] = ()
    baseline_props: tuple[tuple[str, str], ...] = ()

    def fixed_lines(self, shown: str) -> list[str]:
        return [
            f"fixed: remove this entry from the baseline {shown} ({e.describe()})"
            for e in self.fixed
        ]


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

    __slots__ = (
        "_keys",
        "decision",
        "findings",
        "line",
        "outcome",
        "policy",
        "scope",
        "severity",
    )

    def __init__(self, policy: Policy, outcome: Outcome, scope: ResourceScope, state: DevopsPolicy):
        self.policy = policy
        self.outcome = outcome
        self.scope = scope
        self._keys: list[str] | None = None
        self.decision: Decision[ResolvedViolation] | None = None
        self.severity: Severity = policy.severity
        self.line: int = scope.result.line
        if not outcome.violations:  # most verdicts: nothing to decide or sort
            self.findings: Sequence[ResolvedViolation] = ()
            return
        # Waivers are known at collection: decide now, so that the severity an item is
        # marked, selected, reported and thresholded with is that of what it reports.
        self.decision = self._decide(state)
        self.findings = self._findings()
        if self.findings:
            self.severity = max(v.severity for v in self.findings)
            self.line = self.findings[0].line

    def keys(self) -> list[str]:
        """The finding key (fingerprint.py) of each of ``findings``: what SARIF, the JSON
        report and the baseline match on. Equal keys in one verdict are numbered."""
        if self._keys is None:
            scope, pid = self.scope, self.policy.id
            relpath, label = scope.file_text.relpath, scope.result.label
            clean = scope.redactor.with_secrets(self.outcome.secrets)
            self._keys = numbered(
                [
                    finding_key(pid, relpath, label, clean(f.message, newlines=False), f.secret)
                    for f in self.findings
                ]
            )
        return self._keys

    def baseline_entries(self, baseline: Baseline | None) -> dict[str, Entry]:
        if baseline is None:
            return {}
        scope = self.scope
        return dict(baseline.of(scope.file_text.relpath, scope.result.label, self.policy.id))

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

    def _findings(self) -> Sequence[ResolvedViolation]:
        """What the verdict reports: the findings no waiver covers (all of them when the
        verdict is waived), the most severe first."""
        d = self.decision
        if d is None:
            return ()  # most verdicts: one shared empty tuple, not a list each
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
            return self._passed(state.baseline)
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
            # A waived finding needs no baseline entry: the entry is gone like a fix.
            fixed = tuple(self.baseline_entries(state.baseline).values())
            return Judged(
                WAIVED,
                scope.redactor(reason, newlines=False),
                line=self.line,
                waiver_props=waiver_props(w, "applied"),
                fixed=fixed,
                baseline_props=_baseline_props(state.baseline, "", 0, len(fixed), 0),
            )
        remaining = self.findings
        notes: list[str] = []
        # The baseline is decided after the waivers: it matches what they leave.
        entries = self.baseline_entries(state.baseline)
        keys = self.keys() if entries else []  # (hashing costs: only when there are entries)
        listed = tuple(i for i, k in enumerate(keys) if k in entries)
        fixed = tuple(e for k, e in entries.items() if k not in set(keys))
        new = len(remaining) - len(listed)
        if state.baseline is not None and listed:
            shown = state.baseline.shown
            if not new:
                reason = f"in baseline {shown}: " + one_line(policy, relpath, remaining, secrets)
                return Judged(
                    BASELINED,
                    scope.redactor(reason, newlines=False),
                    line=self.line,
                    baselined=listed,
                    fixed=fixed,
                    baseline_props=_baseline_props(
                        state.baseline, BASELINED, len(listed), len(fixed), 0
                    ),
                )
            remaining = [f for i, f in enumerate(remaining) if i not in listed]
            notes.append(f"{len(listed)} other finding(s) in baseline {shown}")
        bprops = (
            _baseline_props(state.baseline, FAILED, len(listed), len(fixed), new)
            if state.baseline is not None
            else ()
        )
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
            if bprops:  # below the threshold: not new failures, still findings
                bprops = _baseline_props(state.baseline, BELOW, len(listed), len(fixed), 0)
            return Judged(
                BELOW,
                reason,
                line=self.line,
                waiver_props=tuple(props),
                baselined=listed,
                fixed=fixed,
                baseline_props=bprops,
            )
        text = finding_text(
            policy, scope.file_text.source, remaining, secrets, notes, outcome.detail
        )
        if decision.expired:
            crash += f" (waiver expired on {decision.expired[0].expires})"
        crash = secrets(crash, newlines=False)
        if listed and state.baseline is not None:
            crash += f" ({len(listed)} more in baseline {state.baseline.shown})"
        return Judged(FAILED, crash, text, remaining[0].line, tuple(props), listed, fixed, bprops)

    def _passed(self, baseline: Baseline | None) -> Judged:
        """No finding: every baseline entry of the verdict is fixed."""
        fixed = tuple(self.baseline_entries(baseline).values())
        if not fixed:
            return Judged(PASSED, line=self.line)
        return Judged(
            PASSED,
            line=self.line,
            fixed=fixed,
            baseline_props=_baseline_props(baseline, "", 0, len(fixed), 0),
        )


def _baseline_props(
    baseline: Baseline | None, status: str, listed: int, fixed: int, new: int
) -> tuple[tuple[str, str], ...]:
    """The JUnit properties of a verdict the baseline concerns; the summary counts them."""
    if baseline is None:
        return ()
    props = [("baseline", baseline.shown)]
    if status:
        props.append(("baseline_status", status))
    props.extend(
        (f"baseline_{name}", str(n))
        for name, n in (("baselined", listed), ("fixed", fixed), ("new", new))
        if n
    )
    return tuple(props)
