"""The end-of-run picture: outcomes by severity and kind, top failures, waiver use.

Counts come from reports (so they are right under xdist, where the controller
sees only reports). Waiver declarations come from the ledger, which workers
send back through ``workeroutput``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.waivers import Waiver

SEVERITY_ORDER = ("critical", "high", "medium", "low")
# The kinds' own policies for literal secrets, which the SECRET policies also find.
KIND_SECRET_POLICIES = frozenset({"DOCKER-006", "K8S-016", "K8S-017", "GHA-005", "TF-011"})


@dataclass
class WaiverLedger:
    """Which waivers exist, which an item considered, which applied, which had expired."""

    declared: dict[str, str] = field(default_factory=dict)  # source -> description
    # source -> ids, origin, reason, owner, expires, ticket (for the report formats)
    details: dict[str, list[str]] = field(default_factory=dict)
    considered: set[str] = field(default_factory=set)
    used: set[str] = field(default_factory=set)
    expired: set[str] = field(default_factory=set)

    def declare(self, waivers: list[Waiver]) -> None:
        for w in waivers:
            if w.valid and w.source not in self.declared:
                self.declared[w.source] = w.describe()
                self.details[w.source] = [
                    ",".join(w.ids),
                    w.origin,
                    w.reason or "",
                    w.owner or "",
                    w.expires.isoformat() if w.expires else "",
                    w.ticket or "",
                ]

    def consider(self, w: Waiver) -> None:
        self.considered.add(w.source)

    def use(self, w: Waiver) -> None:
        self.used.add(w.source)

    def expire(self, w: Waiver) -> None:
        self.expired.add(w.source)

    def to_json(self) -> dict[str, Any]:
        return {
            "declared": self.declared,
            "details": self.details,
            "considered": sorted(self.considered),
            "used": sorted(self.used),
            "expired": sorted(self.expired),
        }

    def merge(self, data: dict[str, Any]) -> None:
        self.declared.update(data.get("declared", {}))
        self.details.update(data.get("details", {}))
        self.considered.update(data.get("considered", []))
        self.used.update(data.get("used", []))
        self.expired.update(data.get("expired", []))

    def unused(self, full_run: bool) -> list[str]:
        """Valid waivers that matched no finding.

        A waiver no selected item could consider (``-k``, ``--lf``...) is only
        called unused when nothing was deselected, so partial runs stay quiet.
        """
        out = []
        for source in sorted(self.declared):
            if source in self.used or source in self.expired:
                continue
            if source in self.considered or full_run:
                out.append(source)
        return out


@dataclass
class Tally:
    outcomes: Counter[str] = field(default_factory=Counter)
    failed_by_severity: Counter[str] = field(default_factory=Counter)
    failed_by_kind: Counter[str] = field(default_factory=Counter)
    failed_by_policy: Counter[str] = field(default_factory=Counter)
    # Unknowns ("cannot be checked statically") and notes, by policy: how much a -var-file,
    # a plan JSON or a build arg would add
    skipped_by_policy: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    # (file, line) of each failing secret verdict -> the policies that found it there: the
    # SECRET policies and the kinds' own secret policies report the same literal (§6.1)
    secret_places: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def add(self, props: dict[str, str], outcome: str) -> None:
        # ``props`` are read for "skipped" and "failed" only (collector._TALLY_DETAILED).
        self.outcomes[outcome] += 1
        if outcome == "skipped":
            self.skipped_by_policy[props.get("policy_id", "?")] += 1
        if outcome == "failed":
            pid = props.get("policy_id", "?")
            if pid.startswith("SECRET-") or pid in KIND_SECRET_POLICIES:
                place = (props.get("file", ""), props.get("line", ""))
                self.secret_places.setdefault(place, set()).add(pid)
            self.failed_by_severity[props.get("severity", "?")] += 1
            self.failed_by_kind[props.get("kind", "?")] += 1
            self.failed_by_policy[pid] += 1
            self.names[pid] = props.get("policy_name", "")


@dataclass
class ScanTally:
    """What was scanned: files of each kind, and files that gave no policy anything to judge
    (so a directory nobody checks is named, not silently passed)."""

    files: Counter[str] = field(default_factory=Counter)
    unjudged: dict[str, list[str]] = field(default_factory=dict)  # kind -> relpaths

    def add(self, kind: str, relpath: str, judged: bool) -> None:
        self.files[kind] += 1
        if not judged:
            self.unjudged.setdefault(kind, []).append(relpath)

    def to_json(self) -> dict[str, Any]:
        return {"files": dict(self.files), "unjudged": self.unjudged}

    def merge(self, data: dict[str, Any]) -> None:
        # Every xdist worker collects every file: one worker's picture is the run's.
        if not self.files:
            self.files.update(data.get("files", {}))
            self.unjudged.update(data.get("unjudged", {}))

    def lines(self, show: int = 5) -> list[str]:
        if not self.files:
            return []
        out = [f"files scanned: {_join(self.files)}"]
        for kind in sorted(self.unjudged):
            paths = sorted(self.unjudged[kind])
            more = f" and {len(paths) - show} more" if len(paths) > show else ""
            out.append(
                f"  {kind}: {len(paths)} file(s) no policy applied to: "
                + ", ".join(paths[:show])
                + more
            )
        return out


def _join(counter: Counter[str], order: tuple[str, ...] = ()) -> str:
    keys = [k for k in order if counter.get(k)] + sorted(k for k in counter if k not in order)
    return " · ".join(f"{k} {counter[k]}" for k in keys) or "none"


def render(
    tally: Tally,
    ledger: WaiverLedger,
    full_run: bool,
    strict: bool,
    scan: ScanTally | None = None,
    top: int = 5,
) -> list[str]:
    o = tally.outcomes
    total = sum(o.values())
    lines = [
        *(scan.lines() if scan is not None else []),
        f"items: {total} ({o['passed']} passed, {o['failed']} failed, {o['waived']} waived, "
        f"{o['below-threshold']} below threshold, {o['skipped']} skipped"
        + (f", {o['baselined']} baselined" if o["baselined"] else "")
        + ")",
    ]
    if o["failed"]:
        lines.append(f"failed by severity: {_join(tally.failed_by_severity, SEVERITY_ORDER)}")
        lines.append(f"failed by kind: {_join(tally.failed_by_kind)}")
        common = tally.failed_by_policy.most_common(top)
        lines.append(
            "most frequent failures: "
            + ", ".join(f"{pid} {tally.names.get(pid, '')} ×{n}" for pid, n in common)
        )
    if tally.secret_places:
        places = tally.secret_places
        both = sum(
            1
            for ids in places.values()
            if any(i.startswith("SECRET-") for i in ids) and ids & KIND_SECRET_POLICIES
        )
        lines.append(
            f"secrets: {len(places)} place(s) with a failing secret finding"
            + (
                f" ({both} reported both by a SECRET policy and by the kind's own policy, "
                "counted once)"
                if both
                else ""
            )
        )
    if o["skipped"]:
        unknown = tally.skipped_by_policy.most_common(top)
        more = len(tally.skipped_by_policy) - len(unknown)
        lines.append(
            "not checked, by policy: "
            + ", ".join(f"{pid} ×{n}" for pid, n in unknown)
            + (f" and {more} more" if more > 0 else "")
            + " (each skip says why; -rs lists them)"
        )
    unused = ledger.unused(full_run)
    lines.append(
        f"waivers: {len(ledger.used)} used, {len(ledger.expired)} expired, {len(unused)} unused"
        + (
            " (--devops-policy-strict-waivers: unused waivers fail the run)"
            if strict and unused
            else ""
        )
    )
    for source in sorted(ledger.used):
        lines.append(f"  used: {ledger.declared.get(source, source)}")
    for source in sorted(ledger.expired):
        lines.append(f"  expired: {ledger.declared.get(source, source)}")
    for source in unused:
        lines.append(f"  unused: {ledger.declared.get(source, source)}")
    return lines
