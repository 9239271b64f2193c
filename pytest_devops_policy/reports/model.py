"""The one result model every report format reads.

Each policy item puts a plain record of what it judged on its call report (``wire``): its
verdicts, each with status, severity, the findings' locations and masked messages, the
waiver and a fingerprint. Plain lists and dicts, so pytest-xdist carries them from the
workers to the controller like the rest of the report; the controller turns them into
the dataclasses below and hands one ``RunResults`` to every format. The records are made
from the same ``Judged`` outcome the item reports, so every format agrees with the
terminal and the JUnit XML.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.api import CROSS_ARTIFACT, is_cross_artifact
from pytest_devops_policy.waivers import describe

WIRE_VERSION = 1
# A verdict's status; the names are the JUnit properties' and the summary's.
STATUSES = (
    "passed",
    "failed",
    "waived",
    "below-threshold",
    "unknown",
    "error",
    "skipped",
    "baselined",
)
SEVERITIES = ("critical", "high", "medium", "low")


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """One finding: where (1-based lines and columns; ``end_col`` is exclusive, as in
    SARIF) and what."""

    line: int
    col: int
    end_line: int
    end_col: int
    severity: str
    message: str  # masked
    fingerprint: str


@dataclass(frozen=True, slots=True)
class WaiverRecord:
    source: str  # "deploy/web.yaml:12" or "pyproject.toml:40"
    reason: str
    owner: str
    expires: str  # YYYY-MM-DD or ""
    ticket: str
    status: str  # "applied" or "expired"


@dataclass(frozen=True, slots=True)
class VerdictRecord:
    """One policy's outcome on one resource (or a file's PARSE-ERROR, note...)."""

    policy_id: str
    status: str
    severity: str
    line: int
    reason: str  # masked: the xfail/skip/crash line
    findings: tuple[FindingRecord, ...] = ()
    waivers: tuple[WaiverRecord, ...] = ()
    # The findings baseline (issue 22): findings it lists besides ``findings`` (a failing
    # verdict whose other findings are baselined), and its entries found fixed.
    baselined: tuple[FindingRecord, ...] = ()
    fixed: tuple[str, ...] = ()

    @property
    def waiver(self) -> WaiverRecord | None:
        """The waiver that applied, if any."""
        return next((w for w in self.waivers if w.status == "applied"), None)


@dataclass(frozen=True, slots=True)
class ItemRecord:
    nodeid: str
    kind: str
    resource: str
    file: str
    line: int
    outcome: str  # pytest's: passed, failed, skipped, xfailed
    verdicts: tuple[VerdictRecord, ...]

    @property
    def in_repository(self) -> bool:
        """The item judges a file of the repository (not a live host: ``host:<label>``),
        so formats that place findings on repository files can place it."""
        return self.kind != "host"


@dataclass(frozen=True)
class PolicyInfo:
    """What a report says about a policy (a SARIF rule, a row of the controls report)."""

    id: str
    name: str
    title: str
    severity: str
    kind: str
    controls: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    rationale: str = ""
    remediation: str = ""
    builtin: bool = True
    page: str = ""  # the Markdown reference page (``--devops-policy-explain``)

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "severity": self.severity,
            "kind": self.kind,
            "controls": list(self.controls),
            "references": list(self.references),
            "rationale": self.rationale,
            "remediation": self.remediation,
            "builtin": self.builtin,
            "page": self.page,
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> PolicyInfo:
        return cls(
            id=str(data["id"]),
            name=str(data.get("name", "")),
            title=str(data.get("title", "")),
            severity=str(data.get("severity", "")),
            kind=str(data.get("kind", "")),
            controls=tuple(data.get("controls", ())),
            references=tuple(data.get("references", ())),
            rationale=str(data.get("rationale", "")),
            remediation=str(data.get("remediation", "")),
            builtin=bool(data.get("builtin", True)),
            page=str(data.get("page", "")),
        )


# The items that are not a policy's verdict, described as rules of their own.
PSEUDO_POLICIES: dict[str, PolicyInfo] = {
    p.id: p
    for p in (
        PolicyInfo(
            "PARSE-ERROR",
            "parse-error",
            "A recognised infrastructure file cannot be parsed",
            "high",
            "",
            rationale="A file that cannot be parsed cannot be checked; the tools that deploy "
            "it will reject it too.",
            remediation="Fix the syntax error at the reported line.",
        ),
        PolicyInfo(
            "INTERNAL-ERROR",
            "internal-error",
            "The analysis of a file failed",
            "high",
            "",
            rationale="A file whose analysis failed was not checked.",
            remediation="Report the error with the file that caused it.",
        ),
        PolicyInfo(
            "WAIVER-INVALID",
            "waiver-invalid",
            "A waiver is malformed and waives nothing",
            "medium",
            "",
            rationale="A waiver must say why the finding is accepted; until it does, the "
            "finding stands.",
            remediation='Add reason="..." (and expires=YYYY-MM-DD, owner=...).',
        ),
    )
}


@dataclass(frozen=True)
class WaiverInfo:
    """A declared waiver and what the run did with it."""

    source: str
    ids: tuple[str, ...]
    origin: str
    reason: str
    owner: str
    expires: str
    ticket: str
    status: str  # used, expired, unused, not-considered

    @property
    def description(self) -> str:
        return describe(self.ids, self.reason, self.owner, self.expires, self.ticket, self.source)

    def to_json(self) -> dict[str, Any]:
        """The waiver as the JSON reports write it (empty optional fields as null)."""
        return {
            "source": self.source,
            "policies": list(self.ids),
            "origin": self.origin,
            "reason": self.reason,
            "owner": self.owner or None,
            "expires": self.expires or None,
            "ticket": self.ticket or None,
            "status": self.status,
        }


@dataclass(frozen=True)
class ReportSettings:
    """The report options of a run (command line over ``[tool.devops-policy]``)."""

    paths: tuple[tuple[str, str], ...] = ()  # (format name, path), in the order given
    sarif_category: str = ""  # runAutomationDetails.id
    include_suppressed: bool = False  # waived/below-threshold findings as suppressed results
    github: str = "auto"  # auto (GITHUB_ACTIONS=true), on, off

    def paths_of(self, name: str) -> list[str]:
        return [p for n, p in self.paths if n == name]

    def github_active(self, environ: Mapping[str, str]) -> bool:
        if self.github == "auto":
            return environ.get("GITHUB_ACTIONS", "").lower() == "true"
        return self.github == "on"

    def wanted(self, environ: Mapping[str, str]) -> bool:
        """Whether items must record their verdicts for a report."""
        return bool(self.paths) or self.github_active(environ)


@dataclass
class RunResults:
    """Everything a report format reads about one run."""

    items: list[ItemRecord]
    policies: dict[str, PolicyInfo]
    waivers: list[WaiverInfo]
    files_scanned: dict[str, int]
    settings: ReportSettings
    root: str  # the rootdir: report paths are relative to it
    fail_on: str = "low"
    today: dt.date = field(default_factory=dt.date.today)
    full_run: bool = True  # nothing deselected: unused waivers are meaningful
    started: dt.datetime | None = None
    finished: dt.datetime | None = None
    tool_version: str = ""

    def verdicts(self) -> Iterator[tuple[ItemRecord, VerdictRecord]]:
        for item in self.items:
            for v in item.verdicts:
                yield item, v

    def counts(self) -> Counter[str]:
        return Counter(v.status for _, v in self.verdicts())

    def kind_of(self, item: ItemRecord, v: VerdictRecord) -> str:
        """The kind a verdict is reported under: ``cross-artifact`` for an XREF policy's (its
        item is of the anchor's kind, and may hold other policies' verdicts), otherwise its
        item's kind, or its policy's."""
        if is_cross_artifact(v.policy_id):
            return CROSS_ARTIFACT
        return item.kind or self.policy(v.policy_id).kind

    def policy(self, policy_id: str) -> PolicyInfo:
        """The policy's metadata; an id no report shipped gets a bare stand-in."""
        found = self.policies.get(policy_id) or PSEUDO_POLICIES.get(policy_id)
        if found is not None:
            return found
        return PolicyInfo(policy_id, policy_id.lower(), policy_id, "low", "")


# -- the wire form ------------------------------------------------------------------------


def finding_wire(f: FindingRecord) -> list[Any]:
    return [f.line, f.col, f.end_line, f.end_col, f.severity, f.message, f.fingerprint]


def verdict_wire(v: VerdictRecord) -> list[Any]:
    wire = [
        v.policy_id,
        v.status,
        v.severity,
        v.line,
        v.reason,
        [finding_wire(f) for f in v.findings],
        [[w.source, w.reason, w.owner, w.expires, w.ticket, w.status] for w in v.waivers],
    ]
    if v.baselined or v.fixed:
        wire.append({"baselined": [finding_wire(f) for f in v.baselined], "fixed": list(v.fixed)})
    return wire


def _findings(rows: Sequence[Sequence[Any]]) -> tuple[FindingRecord, ...]:
    return tuple(
        FindingRecord(int(a), int(b), int(c), int(d), str(s), str(m), str(fp))
        for a, b, c, d, s, m, fp in rows
    )


def item_wire(
    kind: str, resource: str, file: str, line: int, verdicts: Sequence[list[Any]]
) -> dict[str, Any]:
    return {
        "v": WIRE_VERSION,
        "kind": kind,
        "resource": resource,
        "file": file,
        "line": line,
        "verdicts": list(verdicts),
    }


def item_from_wire(nodeid: str, outcome: str, data: Mapping[str, Any]) -> ItemRecord:
    verdicts = []
    for pid, status, severity, line, reason, findings, waivers, *more in data["verdicts"]:
        extra = more[0] if more and isinstance(more[0], Mapping) else {}
        verdicts.append(
            VerdictRecord(
                str(pid),
                str(status),
                str(severity),
                int(line),
                str(reason),
                _findings(findings),
                tuple(WaiverRecord(*(str(x) for x in w)) for w in waivers),
                _findings(extra.get("baselined", ())),
                tuple(str(x) for x in extra.get("fixed", ())),
            )
        )
    return ItemRecord(
        nodeid,
        str(data.get("kind", "")),
        str(data.get("resource", "")),
        str(data.get("file", "")),
        int(data.get("line", 1)),
        outcome,
        tuple(verdicts),
    )
